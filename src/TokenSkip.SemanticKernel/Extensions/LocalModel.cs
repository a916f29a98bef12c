using TokenSkip.Core.Calibration;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Loading;
using TokenSkip.Models.Runtime;

namespace TokenSkip.SemanticKernel;

/// <summary>Loads a model folder (and an optional PEFT adapter, merged) into an in-process engine, for the <c>modelPath</c> registrations.</summary>
internal static class LocalModel
{
    /// <summary>The engine and its card (the adapter's, the model's, or the default one an adapter implies; null for a plain model).</summary>
    public static (LocalGenerationEngine Engine, ModelCard? Card) Load(string modelPath, string? adapterPath, ModelLoadOptions? loadOptions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        var engine = LocalGenerationEngine.Load(modelPath, new ModelBundleOptions { Load = loadOptions ?? new ModelLoadOptions(), AdapterFolder = adapterPath });
        return (engine, engine.Info.Card);
    }
}
