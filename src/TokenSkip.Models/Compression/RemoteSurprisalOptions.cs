namespace TokenSkip.Models.Compression;

/// <summary>How <see cref="RemoteSurprisalScorer"/> asks a server for prompt log-probabilities.</summary>
public sealed record RemoteSurprisalOptions
{
    /// <summary>
    /// Text sent before every scored text and not scored itself, to give the first token a prediction: the model's BOS
    /// token text (<c>&lt;|endoftext|&gt;</c> for Qwen2.5, <c>&lt;s&gt;</c> for LLaMA-2) when the server does not add
    /// one. Default empty. With the BOS text here a server that tokenizes special-token text (<c>tokenskip serve</c>)
    /// reproduces <see cref="SurprisalScorer"/>'s scores for a model whose config has a BOS token; leave it empty for
    /// servers that add BOS themselves (vLLM for LLaMA-3) or models without one.
    /// </summary>
    public string PromptPrefix { get; init; } = string.Empty;

    /// <summary>Texts scored at once (concurrent requests). Default 8.</summary>
    public int MaxConcurrency { get; init; } = 8;

    /// <summary>Checks every field and throws <see cref="ArgumentException"/> naming the first invalid one.</summary>
    public RemoteSurprisalOptions Validate()
    {
        ArgumentNullException.ThrowIfNull(PromptPrefix, nameof(PromptPrefix));
        if (MaxConcurrency < 1)
        {
            throw new ArgumentException($"MaxConcurrency must be at least 1; got {MaxConcurrency}.", nameof(MaxConcurrency));
        }

        return this;
    }
}
