using TokenSkip.Core;

namespace TokenSkip.Pipeline.Stages;

/// <summary>Settings of the trajectory stage (TokenSkip's reference: greedy, 512 new tokens, γ = 1 prompt).</summary>
public sealed record TrajectoryOptions
{
    /// <summary>Questions in flight at once (decoded together by a continuous-batching engine). Default 8.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Most tokens per answer.</summary>
    public int MaxNewTokens { get; init; } = 512;

    /// <summary>The ratio written into the prompt (1.0: the plain TokenSkip prompt).</summary>
    public CompressionRatio Ratio { get; init; } = CompressionRatio.Uncompressed;
}
