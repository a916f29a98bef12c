using TokenSkip.Core;
using TokenSkip.Core.Compression;
using TokenSkip.Models.Compression;
using TokenSkip.Models.Tests.Encoders;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Models.Tests.Compression;

public sealed class CotCompressorTests
{
    private const string Suffix = "\n\nThe final answer is: $\\boxed{18}$";

    private static readonly Dictionary<string, double> Scores = new()
    {
        // Each of these is one cl100k token.
        ["John"] = 0.9, ["sold"] = 0.1, ["red"] = 0.5, ["daily"] = 0.3, ["18"] = 0.05, ["boxed"] = 0.05,
    };

    [Fact]
    public void KeepsTheWordsAboveTheThresholdAndProtectsTheAnswerSuffix()
    {
        var scorer = new FixedScorer(Scores);
        var compressor = new CotCompressor(scorer, new CharCountTokenizer());
        const string cot = "John sold\nred daily" + Suffix;

        var result = compressor.Compress(cot, new CompressionRatio(0.5));

        // cl100k weights are 1 each: 0.1 0.3 0.5 0.9 → 0.5 − 0.2·0.47 = 0.406
        Assert.Equal(["John sold\nred daily"], scorer.Scored);
        Assert.Equal([0, 2], result.KeptWordIndices);
        Assert.Equal("John red", result.CompressedCot);
        Assert.Equal("John red" + Suffix, result.Compressed);
        Assert.Equal(Suffix, result.ProtectedSuffix);
        Assert.Equal([new TextSpan(0, 4), new TextSpan(10, 3)], result.KeptSpans);
        Assert.All(result.Words, w => Assert.True(w.Span.End <= cot.Length - Suffix.Length));
    }

    [Fact]
    public void MeasuresTheActualRatioInTargetTokensOfTheCotOnly()
    {
        var compressor = new CotCompressor(new FixedScorer(Scores), new CharCountTokenizer());

        var result = compressor.Compress("John sold\nred daily" + Suffix, new CompressionRatio(0.5));

        Assert.Equal("John sold\nred daily".Length, result.OriginalTokens);
        Assert.Equal("John red".Length, result.CompressedTokens);
        Assert.Equal(8.0 / 19, result.ActualRatio, 12);
    }

    [Fact]
    public void MatchingTargetTokensBringsTheRatioToGammaWhereTokenizersDisagree()
    {
        // The long words are important and few cl100k tokens but many target tokens (characters here), so the
        // reference rule, which weighs cl100k tokens, keeps far more than γ of the target tokens.
        const string cot = "a a a a a a a a a a a a a a a a incomprehensibilities counterrevolutionaries internationalization";
        var scores = new Dictionary<string, double>
        {
            ["a"] = 0.01, ["incomprehensibilities"] = 0.7, ["counterrevolutionaries"] = 0.8, ["internationalization"] = 0.9,
        };
        var reference = new CotCompressor(new LookupScorer(scores), new CharCountTokenizer());
        var matched = new CotCompressor(new LookupScorer(scores), new CharCountTokenizer(), measure: RatioMeasure.TargetTokens);

        var loose = reference.Compress(cot, new CompressionRatio(0.5));
        var tight = matched.Compress(cot, new CompressionRatio(0.5));

        Assert.True(loose.ActualRatio > 0.6, $"reference rule: {loose.ActualRatio:F2}");
        Assert.True(Math.Abs(tight.ActualRatio - 0.5) < 0.06, $"target tokens: {tight.ActualRatio:F2}");
        Assert.Equal(RatioMeasure.TargetTokens, matched.Measure);
        Assert.Equal(cot.Length, matched.Compress(cot, CompressionRatio.Uncompressed).CompressedTokens);
    }

    [Fact]
    public void AWordOfSeveralCl100kTokensWeighsMore()
    {
        // "antidisestablishmentarianism" is several cl100k tokens, so its low score fills more of the percentile list.
        var scores = new Dictionary<string, double>(Scores) { ["antidisestablishmentarianism"] = 0.1 };
        var compressor = new CotCompressor(new FixedScorer(scores), new CharCountTokenizer());
        const string cot = "John antidisestablishmentarianism red daily";
        var weight = Cl100kTokenCounter.Count("antidisestablishmentarianism");

        var scored = compressor.Score([cot])[0];
        var result = compressor.Compress(scored, new CompressionRatio(0.5));

        Assert.True(weight >= 3, $"cl100k gives {weight} tokens");
        Assert.Equal([1, weight, 1, 1], scored.Weights);
        Assert.Equal([0, 2, 3], result.KeptWordIndices); // with weight 1 it would be [0, 2]
    }

    [Fact]
    public void RatioOneReturnsTheTextVerbatim()
    {
        var compressor = new CotCompressor(new FixedScorer(Scores), new CharCountTokenizer());
        const string cot = "John  sold\n\nred daily." + Suffix;

        var result = compressor.Compress(cot, CompressionRatio.Uncompressed);

        Assert.Equal(cot, result.Compressed);
        Assert.Equal(Enumerable.Range(0, result.Words.Count), result.KeptWordIndices);
        Assert.Equal(1.0, result.ActualRatio);
    }

    [Fact]
    public void OneScoringServesEveryRatio()
    {
        var scorer = new FixedScorer(Scores);
        var compressor = new CotCompressor(scorer, new CharCountTokenizer());
        var scored = compressor.Score(["John sold red eggs daily, 18 of them."])[0];

        var lengths = CompressionRatio.TrainingRatios.Select(r => compressor.Compress(scored, r).CompressedTokens).ToArray();

        Assert.Single(scorer.Scored);
        Assert.Equal(lengths.OrderByDescending(l => l), lengths);
        Assert.True(lengths[^1] < lengths[0]);
    }

    [Fact]
    public void ResultsCarryProvenance()
    {
        var options = PruningOptions.TokenSkipLlama;
        var compressor = new CotCompressor(new FixedScorer(Scores), new CharCountTokenizer(), options);

        var result = compressor.Compress("John sold red", new CompressionRatio(0.7));

        Assert.Equal(("fixed", "/models/fixed", new CompressionRatio(0.7)), (result.ScorerName, result.ScorerModelPath, result.Ratio));
        Assert.Same(options, result.Options);
    }

    [Fact]
    public void BatchesAreScoredTogetherAndCancellationPropagates()
    {
        var scorer = new FixedScorer(Scores);
        var compressor = new CotCompressor(scorer, new CharCountTokenizer());
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        var results = compressor.Compress(["John sold", "red daily" + Suffix], new CompressionRatio(0.5));

        Assert.Equal(2, results.Count);
        Assert.Equal(["John sold", "red daily"], scorer.Scored);
        Assert.Throws<OperationCanceledException>(() => compressor.Compress(["x"], new CompressionRatio(0.5), cancelled.Token));
    }

    [Fact]
    public void XlmRobertaCompressionReJoinsWordsLikeTheReference()
    {
        using var folder = new TempFolder();
        using var scorer = LlmLingua2Scorer.Load(TinyEncoders.WriteXlmRoberta(folder));
        var compressor = new CotCompressor(scorer, new CharCountTokenizer());
        const string cot = "Janet has 16 eggs.\nShe eats 3 for breakfast." + Suffix;

        var result = compressor.Compress(cot, new CompressionRatio(0.5));

        var expected = string.Concat(result.KeptWordIndices.Select((index, k) =>
            (k > 0 && result.Words[index].Form.StartsWith('▁') ? " " : string.Empty) + cot.Substring(result.Words[index].Span.Start, result.Words[index].Span.Length)));
        Assert.Equal(expected.Trim() + Suffix, result.Compressed);
        Assert.InRange(result.KeptWordIndices.Count, 1, result.Words.Count - 1);
        Assert.True(result.ActualRatio < 1.0);
    }

    [SkippableFact]
    public void StoriesModelCompressesARealStoryMonotonicallyInRatio()
    {
        var folder = SharedAssets.Require("models/stories260k");
        using var scorer = SurprisalScorer.Load(folder);
        var compressor = new CotCompressor(scorer, scorer.Tokenizer);
        const string story = "Once upon a time, there was a little girl named Lily. She loved to play outside in the sun. " +
            "One day, she saw a big red ball in the park. She ran to the ball and kicked it very high.";

        var scored = compressor.Score([story])[0];
        var results = CompressionRatio.TrainingRatios.Select(r => compressor.Compress(scored, r)).ToArray();

        Assert.Equal(story, results[0].Compressed);
        Assert.Equal(results.Select(r => r.CompressedTokens).OrderByDescending(t => t), results.Select(r => r.CompressedTokens));
        Assert.InRange(results[^1].ActualRatio, 0.2, 0.8);
        Assert.All(scored.Words, w => Assert.True(double.IsFinite(w.Score) && w.Score >= 0));
    }

    /// <summary>Scores words by a lookup (keep-digits applied as the real scorers do).</summary>
    private sealed class LookupScorer(Dictionary<string, double> scores) : IImportanceScorer
    {
        public string Name => "lookup";

        public string ModelPath => "(test)";

        public double Ceiling => 1.0;

        public IReadOnlyList<ScoredText> Score(IReadOnlyList<string> texts, PruningOptions? options = null, CancellationToken cancellationToken = default) =>
            texts.Select(text => new ScoredText(text, WordSegmenter.Segment(text).Select(span =>
            {
                var form = text.Substring(span.Start, span.Length);
                var forced = options?.KeepDigits == true && form.Any(char.IsDigit);
                return new ScoredWord(form, span, forced ? Ceiling : scores[form], 0, WordSegmenter.HasSpaceBefore(text, span));
            }).ToArray())).ToArray();

        public void Dispose()
        {
        }
    }
}
