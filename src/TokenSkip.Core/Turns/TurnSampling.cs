using TokenSkip.Core.Generation;

namespace TokenSkip.Core.Turns;

/// <summary>
/// The sampling settings of a turn as a caller gives them (OpenAI's names; null = not set). The policy turns them into
/// <see cref="Generation.GenerationOptions"/> with one set of defaults for every door.
/// </summary>
public sealed record TurnSampling
{
    /// <summary>Completion tokens at most; null lets the policy choose (its default, a budget's cap, what fits).</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>Softmax temperature; null or 0 is greedy.</summary>
    public double? Temperature { get; init; }

    /// <summary>Nucleus sampling mass; null is 1 (off). 0 keeps only the most likely token (greedy).</summary>
    public double? TopP { get; init; }

    /// <summary>Top-k sampling; null or 0 is off.</summary>
    public int? TopK { get; init; }

    /// <summary>Repetition penalty; null is 1 (off).</summary>
    public double? RepetitionPenalty { get; init; }

    /// <summary>The sampler's seed (OpenAI sends a 64-bit integer); null draws one per request.</summary>
    public long? Seed { get; init; }

    /// <summary>Texts that end generation (not part of the returned text).</summary>
    public IReadOnlyList<string> StopSequences { get; init; } = [];

    /// <summary>Token ids that end generation.</summary>
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];

    /// <summary>When true, the model's end-of-sequence ids do not stop generation.</summary>
    public bool IgnoreEndOfSequence { get; init; }

    /// <summary>
    /// The decoding options these settings mean, the same in every door: top_p = 0 is greedy, the seed is folded with
    /// <see cref="TurnPolicy.FoldSeed"/>, and <paramref name="stopTokens"/> (a template's end-of-turn texts) stop
    /// generation unless <see cref="IgnoreEndOfSequence"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A value is out of range (from <see cref="GenerationOptions.Validate"/>).</exception>
    public GenerationOptions ToGenerationOptions(int maxNewTokens, IEnumerable<string>? stopTokens = null)
    {
        var topP = TopP ?? 1.0;
        return new GenerationOptions
        {
            MaxNewTokens = maxNewTokens,
            Temperature = topP == 0 ? 0 : Temperature ?? 0,
            TopP = topP == 0 ? 1 : topP,
            TopK = TopK ?? 0,
            RepetitionPenalty = RepetitionPenalty ?? 1.0,
            Seed = Seed is { } seed ? TurnPolicy.FoldSeed(seed) : null,
            StopStrings = IgnoreEndOfSequence || stopTokens is null
                ? [.. StopSequences.Distinct()]
                : [.. stopTokens.Concat(StopSequences).Distinct()],
            StopTokenIds = StopTokenIds,
            IgnoreEndOfSequence = IgnoreEndOfSequence,
        }.Validate();
    }
}
