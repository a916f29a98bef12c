using TokenSkip.Core.Compression;
using TokenSkip.Models.Compression;

namespace TokenSkip.Models.Tests.Compression;

/// <summary>Scores <see cref="WordSegmenter"/>'s words from a table (unknown words 0.5); records what it was asked.</summary>
internal sealed class FixedScorer(IReadOnlyDictionary<string, double> scores) : IImportanceScorer
{
    public List<string> Scored { get; } = [];

    public string Name => "fixed";

    public string ModelPath => "/models/fixed";

    public double Ceiling => 1.0;

    public IReadOnlyList<ScoredText> Score(IReadOnlyList<string> texts, PruningOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Scored.AddRange(texts);
        return texts.Select(text => new ScoredText(text, WordSegmenter.Segment(text).Select(span =>
        {
            var form = text.Substring(span.Start, span.Length);
            return new ScoredWord(form, span, scores.GetValueOrDefault(form, 0.5), 0, WordSegmenter.HasSpaceBefore(text, span));
        }).ToArray())).ToArray();
    }

    public void Dispose()
    {
    }
}
