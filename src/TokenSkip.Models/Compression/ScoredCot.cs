using TokenSkip.Core.Compression;

namespace TokenSkip.Models.Compression;

/// <summary>
/// A chain of thought scored once, ready to be compressed at any γ without running the scorer again (TokenSkip
/// compresses every CoT at 0.9, 0.8, 0.7, 0.6 and 0.5). Made by <see cref="CotCompressor.Score"/>.
/// </summary>
public sealed record ScoredCot
{
    /// <summary>The text as given.</summary>
    public required string Original { get; init; }

    /// <summary>The part that is compressed: <see cref="Original"/> before the answer suffix.</summary>
    public required string Body { get; init; }

    /// <summary>The answer suffix (see <see cref="AnswerSuffix"/>), kept verbatim; empty when absent.</summary>
    public required string ProtectedSuffix { get; init; }

    /// <summary>The body's words; spans index into <see cref="Original"/> (the body is its prefix).</summary>
    public required IReadOnlyList<ScoredWord> Words { get; init; }

    /// <summary>Each word's weight in the threshold: its cl100k token count.</summary>
    public required IReadOnlyList<int> Weights { get; init; }

    /// <summary>The body's length in the target model's tokens.</summary>
    public required int OriginalTokens { get; init; }

    /// <summary>The scorer's name.</summary>
    public required string ScorerName { get; init; }

    /// <summary>The scorer's model folder.</summary>
    public required string ScorerModelPath { get; init; }

    /// <summary>The scorer's ceiling score.</summary>
    public required double Ceiling { get; init; }

    /// <summary>The options the words were scored with (and are pruned with).</summary>
    public required PruningOptions Options { get; init; }
}
