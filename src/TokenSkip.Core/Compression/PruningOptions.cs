namespace TokenSkip.Core.Compression;

/// <summary>
/// LLMLingua-2's optional rules around the threshold, as TokenSkip passes them: force tokens, keeping every
/// token with a digit, and dropping force tokens that repeat with nothing kept in between.
/// </summary>
public sealed record PruningOptions
{
    /// <summary>No forcing (TokenSkip's setting for its released Qwen2.5 data).</summary>
    public static PruningOptions None { get; } = new();

    /// <summary>TokenSkip's setting for its LLaMA-3.1 data: force "Step" and ":", keep digits, drop consecutive repeats.</summary>
    public static PruningOptions TokenSkipLlama { get; } = new()
    {
        ForceTokens = ["Step", ":"],
        KeepDigits = true,
        DropConsecutive = true,
    };

    /// <summary>
    /// Tokens whose score is forced to the scorer's ceiling (keep probability 1.0). With a subword scorer each must
    /// be a single subword token; a token equal to one always starts a new word.
    /// </summary>
    public IReadOnlyList<string> ForceTokens { get; init; } = [];

    /// <summary>Force every token that contains a digit (Unicode category Nd), so numbers survive compression.</summary>
    public bool KeepDigits { get; init; }

    /// <summary>
    /// Drop a force-token word that repeats the previous force-token word when no other word above the
    /// unweighted <c>int(100·(1-γ))</c>-th percentile lies between them, and never keep the same force token twice in a row.
    /// </summary>
    public bool DropConsecutive { get; init; }

    /// <summary>Checks the options; returns them for chaining.</summary>
    /// <exception cref="ArgumentException">A force token is null or empty.</exception>
    public PruningOptions Validate()
    {
        ArgumentNullException.ThrowIfNull(ForceTokens, nameof(ForceTokens));
        if (ForceTokens.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("force tokens must be non-empty strings", nameof(ForceTokens));
        }

        return this;
    }

    /// <summary>True when <paramref name="form"/> is one of <see cref="ForceTokens"/> (ordinal).</summary>
    public bool IsForceToken(string form) => ForceTokens.Contains(form, StringComparer.Ordinal);
}
