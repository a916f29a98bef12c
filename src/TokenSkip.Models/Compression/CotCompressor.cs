using TokenSkip.Core;
using TokenSkip.Core.Compression;
using TokenSkip.Core.Text;

namespace TokenSkip.Models.Compression;

/// <summary>
/// Compresses chains of thought to a ratio γ the way TokenSkip builds its training data: score the words with an
/// <see cref="IImportanceScorer"/>, keep those above the per-chunk cl100k-weighted threshold
/// (<see cref="WordPruner"/>), re-join them, and leave the answer suffix untouched.
/// </summary>
/// <remarks>
/// <para>
/// The answer suffix (<c>"\n\nThe final answer is: $\boxed{N}$"</c>, from the first <see cref="AnswerSuffix.Marker"/> on)
/// is split off before scoring and appended verbatim; only the text before it is scored, pruned and measured. A
/// text without it is compressed whole. At γ = 1.0 the body is returned verbatim with every word kept, as TokenSkip uses
/// the original CoT for γ = 1.0.
/// </para>
/// <para>
/// The actual ratio is measured in the target model's tokens: tokens of the compressed CoT over tokens of the
/// original CoT (suffix excluded, no BOS), which is how TokenSkip reports it. The compressor does not own the scorer.
/// Not thread-safe (the scorer is not).
/// </para>
/// </remarks>
public sealed class CotCompressor
{
    private readonly IImportanceScorer _scorer;
    private readonly ITextTokenizer _targetTokenizer;
    private readonly PruningOptions _options;

    /// <summary>Creates a compressor.</summary>
    /// <param name="scorer">Scores words.</param>
    /// <param name="targetTokenizer">The tokenizer of the model the compressed CoTs are for; it measures the ratio.</param>
    /// <param name="options">Force tokens, keep digits, drop consecutive (default: none, TokenSkip's Qwen setting).</param>
    /// <param name="measure">What γ is a fraction of (default: the reference rule).</param>
    public CotCompressor(IImportanceScorer scorer, ITextTokenizer targetTokenizer, PruningOptions? options = null,
        RatioMeasure measure = RatioMeasure.Reference)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(targetTokenizer);
        _scorer = scorer;
        _targetTokenizer = targetTokenizer;
        _options = (options ?? PruningOptions.None).Validate();
        Measure = measure;
    }

    /// <summary>What γ is a fraction of.</summary>
    public RatioMeasure Measure { get; }

    /// <summary>The scorer's name (provenance).</summary>
    public string ScorerName => _scorer.Name;

    /// <summary>The scorer's model folder (provenance).</summary>
    public string ScorerModelPath => _scorer.ModelPath;

    /// <summary>The pruning options applied.</summary>
    public PruningOptions Options => _options;

    /// <summary>Scores <paramref name="cots"/> in one batch; compress each at any γ with <see cref="Compress(ScoredCot, CompressionRatio)"/>.</summary>
    /// <exception cref="OperationCanceledException">Cancelled (checked between scorer batches).</exception>
    public IReadOnlyList<ScoredCot> Score(IReadOnlyList<string> cots, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cots);
        var parts = cots.Select(c => AnswerSuffix.Split(c ?? throw new ArgumentException("a chain of thought is null", nameof(cots)))).ToArray();
        var scored = _scorer.Score(parts.Select(p => p.Body).ToArray(), _options, cancellationToken);
        return cots.Select((cot, i) => new ScoredCot
        {
            Original = cot,
            Body = parts[i].Body,
            ProtectedSuffix = parts[i].Suffix,
            Words = scored[i].Words,
            Weights = scored[i].Words.Select(w => Cl100kTokenCounter.Count(w.Form)).ToArray(),
            OriginalTokens = _targetTokenizer.Encode(parts[i].Body).Count,
            ScorerName = _scorer.Name,
            ScorerModelPath = _scorer.ModelPath,
            Ceiling = _scorer.Ceiling,
            Options = _options,
        }).ToArray();
    }

    /// <summary>Compresses a scored CoT at <paramref name="ratio"/>.</summary>
    public CompressionResult Compress(ScoredCot scored, CompressionRatio ratio)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var pruningWords = scored.Words.Select((w, i) => new PruningWord(w.Form, w.Score, scored.Weights[i], w.Chunk)).ToArray();
        var (kept, cot, tokens) = ratio.IsUncompressed || Measure == RatioMeasure.Reference
            ? Prune(scored, pruningWords, ratio.Value)
            : ClosestInTargetTokens(scored, pruningWords, ratio.Value);
        return new CompressionResult
        {
            Ratio = ratio,
            ScorerName = scored.ScorerName,
            ScorerModelPath = scored.ScorerModelPath,
            Options = scored.Options,
            Original = scored.Original,
            CompressedCot = cot,
            ProtectedSuffix = scored.ProtectedSuffix,
            Words = scored.Words,
            KeptWordIndices = kept,
            OriginalTokens = scored.OriginalTokens,
            CompressedTokens = tokens,
        };
    }

    private (IReadOnlyList<int> Kept, string Cot, int Tokens) Prune(ScoredCot scored, PruningWord[] words, double keep)
    {
        if (keep >= 1)
        {
            return (WordPruner.SelectKept(words, CompressionRatio.Uncompressed, scored.Options, scored.Ceiling), scored.Body, scored.OriginalTokens);
        }

        var kept = WordPruner.SelectKept(words, keep, scored.Options, scored.Ceiling);
        var cot = KeptText.Join(scored.Original, scored.Words, kept);
        return (kept, cot, _targetTokenizer.Encode(cot).Count);
    }

    // The kept length grows with the keep fraction: bisect for the fraction whose target-token count is nearest γ × original.
    private (IReadOnlyList<int> Kept, string Cot, int Tokens) ClosestInTargetTokens(ScoredCot scored, PruningWord[] words, double gamma)
    {
        var goal = gamma * scored.OriginalTokens;
        double low = 0.005, high = 1.0;
        var below = Prune(scored, words, low);
        var above = Prune(scored, words, high);
        for (var i = 0; i < 14 && below.Tokens < goal && above.Tokens > goal; i++)
        {
            var middle = (low + high) / 2;
            var candidate = Prune(scored, words, middle);
            if (candidate.Tokens <= goal)
            {
                (low, below) = (middle, candidate);
            }
            else
            {
                (high, above) = (middle, candidate);
            }
        }

        return goal - below.Tokens <= above.Tokens - goal ? below : above;
    }

    /// <summary>Scores and compresses one chain of thought.</summary>
    public CompressionResult Compress(string cot, CompressionRatio ratio, CancellationToken cancellationToken = default) =>
        Compress(Score([cot], cancellationToken)[0], ratio);

    /// <summary>Scores <paramref name="cots"/> in one batch and compresses each at <paramref name="ratio"/>.</summary>
    public IReadOnlyList<CompressionResult> Compress(IReadOnlyList<string> cots, CompressionRatio ratio, CancellationToken cancellationToken = default) =>
        Score(cots, cancellationToken).Select(s => Compress(s, ratio)).ToArray();
}
