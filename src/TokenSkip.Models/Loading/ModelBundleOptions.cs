using TokenSkip.Models.Runtime;

namespace TokenSkip.Models.Loading;

/// <summary>What <see cref="ModelBundle.Load"/> loads besides the model folder itself.</summary>
public sealed record ModelBundleOptions
{
    /// <summary>Device and precision of the weights (CPU, float32 by default).</summary>
    public ModelLoadOptions Load { get; init; } = new();

    /// <summary>A PEFT LoRA adapter folder to apply, or null.</summary>
    public string? AdapterFolder { get; init; }

    /// <summary>How the adapter is applied. Default <see cref="AdapterMode.Merge"/>.</summary>
    public AdapterMode Adapter { get; init; } = AdapterMode.Merge;

    /// <summary>The id the model goes by (served id, engine info); null uses the model folder's name.</summary>
    public string? ModelId { get; init; }

    /// <summary>
    /// Whether a folder without <c>tokenizer.json</c> (or <c>vocab.json</c>) is refused. Default true; false for callers that
    /// work on token ids only, who then check <see cref="ModelBundle.HasTokenizer"/>.
    /// </summary>
    public bool RequireTokenizer { get; init; } = true;
}
