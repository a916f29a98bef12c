using TokenSkip.Core;
using TokenSkip.Core.Compression;

namespace TokenSkip.Models.Compression;

/// <summary>A chain of thought compressed at one γ, with what provenance needs to reproduce it.</summary>
public sealed record CompressionResult
{
    /// <summary>The requested ratio γ.</summary>
    public required CompressionRatio Ratio { get; init; }

    /// <summary>The scorer's name ("llmlingua2", "surprisal").</summary>
    public required string ScorerName { get; init; }

    /// <summary>The scorer's model folder.</summary>
    public required string ScorerModelPath { get; init; }

    /// <summary>The options the words were scored and pruned with.</summary>
    public required PruningOptions Options { get; init; }

    /// <summary>The text as given.</summary>
    public required string Original { get; init; }

    /// <summary>The kept words of the body, re-joined (see <see cref="KeptText"/>); the body verbatim at γ = 1.0.</summary>
    public required string CompressedCot { get; init; }

    /// <summary>The answer suffix, verbatim; empty when the text had none.</summary>
    public required string ProtectedSuffix { get; init; }

    /// <summary>The compressed text: <see cref="CompressedCot"/> followed by <see cref="ProtectedSuffix"/>.</summary>
    public string Compressed => CompressedCot + ProtectedSuffix;

    /// <summary>Every word of the body, with its span in <see cref="Original"/>, score and chunk.</summary>
    public required IReadOnlyList<ScoredWord> Words { get; init; }

    /// <summary>Indices into <see cref="Words"/> of the kept words, in order.</summary>
    public required IReadOnlyList<int> KeptWordIndices { get; init; }

    /// <summary>The spans in <see cref="Original"/> of the kept words.</summary>
    public IReadOnlyList<TextSpan> KeptSpans => KeptWordIndices.Select(i => Words[i].Span).ToArray();

    /// <summary>The body's length in the target model's tokens (the answer suffix is not counted).</summary>
    public required int OriginalTokens { get; init; }

    /// <summary>The length of <see cref="CompressedCot"/> in the target model's tokens.</summary>
    public required int CompressedTokens { get; init; }

    /// <summary>
    /// The ratio actually reached: <see cref="CompressedTokens"/> / <see cref="OriginalTokens"/> (1.0 for an empty body),
    /// i.e. target-model tokens of the compressed CoT over those of the original CoT, as TokenSkip reports it.
    /// </summary>
    public double ActualRatio => OriginalTokens == 0 ? 1.0 : (double)CompressedTokens / OriginalTokens;
}
