using System.Text;
using TokenSkip.Core.Compression;

namespace TokenSkip.Models.Compression;

/// <summary>
/// The ablation baseline of the TokenSkip paper's importance-metric comparison: every word gets a uniformly random
/// score, so pruning drops random words. Words are <see cref="WordSegmenter"/>'s, as for <see cref="SurprisalScorer"/>;
/// each text's scores come from a stream seeded by the seed and the text itself, so results are reproducible and do not
/// depend on batching or order.
/// </summary>
public sealed class RandomScorer(int seed = 0) : IImportanceScorer
{
    /// <summary>The scorer's provenance name.</summary>
    public const string ScorerName = "random";

    /// <inheritdoc />
    public string Name => ScorerName;

    /// <inheritdoc />
    public string ModelPath => $"(random, seed {seed})";

    /// <inheritdoc />
    public double Ceiling => 1.0;

    /// <inheritdoc />
    public IReadOnlyList<ScoredText> Score(IReadOnlyList<string> texts, PruningOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= PruningOptions.None;
        var results = new List<ScoredText>(texts.Count);
        foreach (var text in texts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var random = new Random(seed ^ StableHash(text));
            var words = WordSegmenter.Segment(text).Select(span =>
            {
                var form = text.Substring(span.Start, span.Length);
                var forced = options.IsForceToken(form) || (options.KeepDigits && form.EnumerateRunes().Any(Rune.IsDigit));
                // Scores stay below the ceiling so only forced words reach it.
                return new ScoredWord(form, span, forced ? Ceiling : random.NextDouble() * 0.999, 0, WordSegmenter.HasSpaceBefore(text, span));
            }).ToArray();
            results.Add(new ScoredText(text, words));
        }

        return results;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    // string.GetHashCode is randomised per process; FNV-1a is stable across runs.
    private static int StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)hash;
    }
}
