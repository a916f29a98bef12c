using TokenSkip.Core.Calibration;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Text;
using TokenSkip.Models.Transformer;

namespace TokenSkip.Hosting.Worker;

/// <summary>A model ready to serve: weights, tokenizer, the id clients use, its prompt family and its TokenSkip card.</summary>
public sealed class LoadedModel : IDisposable
{
    /// <summary>Bundles what a loader produced; the instance owns <paramref name="model"/>.</summary>
    public LoadedModel(CausalLanguageModel model, ITextTokenizer tokenizer, string modelId, ModelFamily family, ModelCard? card)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        Model = model;
        Tokenizer = tokenizer;
        ModelId = modelId;
        Family = family;
        Card = card;
    }

    /// <summary>The weights.</summary>
    public CausalLanguageModel Model { get; }

    /// <summary>The tokenizer (thread-safe: requests are tokenized on their own threads).</summary>
    public ITextTokenizer Tokenizer { get; }

    /// <summary>The served model id.</summary>
    public string ModelId { get; }

    /// <summary>The chat template and TokenSkip prompt format to use.</summary>
    public ModelFamily Family { get; }

    /// <summary>The model's <c>tokenskip.json</c> (trained ratios, calibration), if it has one.</summary>
    public ModelCard? Card { get; }

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
