using TokenSkip.Core.Calibration;
using TokenSkip.Core.Engine;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Lora;
using TokenSkip.Models.Runtime;
using TokenSkip.Models.Tokenization;
using TokenSkip.Models.Transformer;

namespace TokenSkip.SemanticKernel;

/// <summary>Loads a model folder (and an optional PEFT adapter, merged) into an in-process engine, for the <c>modelPath</c> registrations.</summary>
internal static class LocalModel
{
    /// <summary>The engine and the card that comes with the adapter or the model (null for a plain model).</summary>
    public static (LocalGenerationEngine Engine, ModelCard? Card) Load(string modelPath, string? adapterPath, ModelLoadOptions? loadOptions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        if (adapterPath is null)
        {
            var engine = LocalGenerationEngine.Load(modelPath, loadOptions);
            return (engine, engine.Info.Card ?? ModelCard.TryLoad(modelPath));
        }

        var tokenizer = TokenizerLoader.TryLoad(modelPath)
            ?? throw new ModelFormatException(modelPath, "no tokenizer.json (or vocab.json) in the model folder");
        var model = CausalLanguageModel.Load(modelPath, loadOptions);
        try
        {
            LoraAdapter.Load(model, adapterPath).MergeAndUnload();
            return (new LocalGenerationEngine(model, tokenizer), ModelCard.TryLoad(adapterPath) ?? ModelCard.TryLoad(modelPath));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
