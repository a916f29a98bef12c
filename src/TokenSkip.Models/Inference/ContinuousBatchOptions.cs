namespace TokenSkip.Models.Inference;

/// <summary>The shape of a <see cref="ContinuousBatch"/>: how many sequences, how long each, how much prefill per step.</summary>
public sealed record ContinuousBatchOptions
{
    /// <summary>KV cache slots: the most sequences decoding at once. Default 16.</summary>
    public int Slots { get; init; } = 16;

    /// <summary>
    /// Tokens (prompt plus completion) each slot holds; clipped to the model's context. Default 2048, TokenSkip's training
    /// cutoff. Memory grows with <see cref="Slots"/> × this.
    /// </summary>
    public int SlotTokens { get; init; } = 2048;

    /// <summary>
    /// The most prompt tokens prefilled in one step: a long prompt is prefilled in chunks between decode steps, so
    /// the sequences already running keep producing tokens. Default 512.
    /// </summary>
    public int PrefillChunkTokens { get; init; } = 512;

    /// <summary>Checks every field and throws <see cref="ArgumentException"/> naming the first invalid one.</summary>
    public ContinuousBatchOptions Validate()
    {
        if (Slots < 1)
        {
            throw new ArgumentException($"Slots must be at least 1; got {Slots}.", nameof(Slots));
        }

        if (SlotTokens < 2)
        {
            throw new ArgumentException($"SlotTokens must be at least 2; got {SlotTokens}.", nameof(SlotTokens));
        }

        if (PrefillChunkTokens < 1)
        {
            throw new ArgumentException($"PrefillChunkTokens must be at least 1; got {PrefillChunkTokens}.", nameof(PrefillChunkTokens));
        }

        return this;
    }
}
