using TokenSkip.Core;
using TokenSkip.Core.Compression;
using Xunit;

namespace TokenSkip.Core.Tests.Compression;

// Expected thresholds and kept words were computed by hand and checked against numpy with the reference loop.
public sealed class WordPrunerTests
{
    private static readonly CompressionRatio Half = new(0.5);

    private static PruningWord[] Words(double[] scores, int[]? weights = null, int[]? chunks = null, string[]? forms = null) =>
        scores.Select((s, i) => new PruningWord(forms?[i] ?? $"w{i}", s, weights?[i] ?? 1, chunks?[i] ?? 0)).ToArray();

    [Theory]
    [InlineData(1.0, 1)]
    [InlineData(0.9, 10)]
    [InlineData(0.8, 20)]
    [InlineData(0.7, 31)]
    [InlineData(0.6, 41)]
    [InlineData(0.5, 51)]
    public void ThresholdPercentFollowsTheReferenceFloatingPointArithmetic(double gamma, int expected)
    {
        Assert.Equal(expected, WordPruner.ThresholdPercent(new CompressionRatio(gamma)));
    }

    [Fact]
    public void HalfKeepsWordsStrictlyAboveTheFiftyFirstPercentile()
    {
        // sorted 0.1 0.3 0.5 0.9; index 3·0.51 = 1.53 → 0.5 − 0.2·0.47 = 0.406
        Assert.Equal([0, 2], WordPruner.SelectKept(Words([0.9, 0.1, 0.5, 0.3]), Half));
    }

    [Fact]
    public void AWordOfSeveralCl100kTokensCountsOncePerToken()
    {
        // word 1 weighs 3 tokens: 0.1 0.1 0.1 0.3 0.5 0.9; index 5·0.51 = 2.55 → 0.3 − 0.2·0.45 = 0.21, so 0.3 survives
        Assert.Equal([0, 2, 3], WordPruner.SelectKept(Words([0.9, 0.1, 0.5, 0.3], weights: [1, 3, 1, 1]), Half));
    }

    [Fact]
    public void TiesAtTheThresholdAreDroppedBecauseTheComparisonIsStrict()
    {
        Assert.Empty(WordPruner.SelectKept(Words([0.5, 0.5, 0.5, 0.5]), Half));
        // sorted 0.2 0.4 0.4 0.8: the threshold falls between the two 0.4s and equals 0.4 exactly
        Assert.Equal([3], WordPruner.SelectKept(Words([0.2, 0.4, 0.4, 0.8]), Half));
    }

    [Fact]
    public void AThresholdAtTheCeilingKeepsTheWordsAtTheCeiling()
    {
        Assert.Equal([0, 1, 2], WordPruner.SelectKept(Words([1.0, 1.0, 1.0, 0.2]), Half));
    }

    [Fact]
    public void RatioOneKeepsEveryWordWhateverItsScore()
    {
        var words = Words([0.0, 0.0, 0.7], forms: [":", ":", "x"]);
        var options = new PruningOptions { ForceTokens = [":"], DropConsecutive = true };

        Assert.Equal([0, 1, 2], WordPruner.SelectKept(words, CompressionRatio.Uncompressed, options));
    }

    [Theory]
    [InlineData(0.9, new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 })] // 10th percentile: 0.19
    [InlineData(0.7, new[] { 3, 4, 5, 6, 7, 8, 9 })] // 31st percentile: 0.379
    [InlineData(0.5, new[] { 5, 6, 7, 8, 9 })] // 51st percentile: 0.559
    public void HigherRatiosKeepMoreWords(double gamma, int[] expected)
    {
        var scores = Enumerable.Range(1, 10).Select(i => 0.1 * i).ToArray();

        Assert.Equal(expected, WordPruner.SelectKept(Words(scores), new CompressionRatio(gamma)));
    }

    [Fact]
    public void EachChunkHasItsOwnThreshold()
    {
        // chunk 0: 0.9 − 0.8·0.49 = 0.508 keeps 0.9; chunk 1: 0.05 − 0.03·0.49 = 0.0353 keeps 0.05,
        // which one threshold over all four words (0.0767) would drop.
        var words = Words([0.9, 0.1, 0.05, 0.02], chunks: [0, 0, 1, 1]);

        Assert.Equal([0, 2], WordPruner.SelectKept(words, Half));
    }

    [Fact]
    public void DropConsecutiveSilencesARepeatedForceTokenWithNothingBetween()
    {
        // unweighted 50th percentile of 1 1 0.9 1 is 1.0, so "a" is not content between; the 2nd and 3rd ":" get 0,
        // then 0 0 0.9 1 gives threshold 0.477.
        var words = Words([1.0, 1.0, 0.9, 1.0], forms: [":", ":", "a", ":"]);
        var options = new PruningOptions { ForceTokens = [":"], DropConsecutive = true };

        Assert.Equal([0, 2], WordPruner.SelectKept(words, Half, options));
        Assert.Equal([0, 1, 3], WordPruner.SelectKept(words, Half, options with { DropConsecutive = false }));
    }

    [Fact]
    public void DropConsecutiveNeverKeepsTheSameForceTokenTwiceInARow()
    {
        // "b" passes the unweighted percentile (0.45), so the second ":" is not silenced; the heavy ":" words push
        // the weighted threshold to the ceiling, where "b" is dropped and the second ":" would follow the first.
        var words = Words([1.0, 0.8, 1.0, 0.1, 0.1, 0.1], weights: [5, 1, 5, 1, 1, 1], forms: [":", "b", ":", "d", "e", "f"]);
        var options = new PruningOptions { ForceTokens = [":"], DropConsecutive = true };

        Assert.Equal([0], WordPruner.SelectKept(words, Half, options));
        Assert.Equal([0, 2], WordPruner.SelectKept(words, Half, options with { DropConsecutive = false }));
    }

    [Fact]
    public void ACeilingAboveOneSupportsUnboundedScores()
    {
        var words = Words([double.MaxValue, double.MaxValue, double.MaxValue, 2.5]);

        Assert.Equal([0, 1, 2], WordPruner.SelectKept(words, Half, ceiling: double.MaxValue));
        Assert.Empty(WordPruner.SelectKept(words, Half));
    }

    [Fact]
    public void BadInputIsRejectedNamingTheWord()
    {
        Assert.Contains("word 1", Assert.Throws<ArgumentException>(() => WordPruner.SelectKept(Words([0.1, double.NaN]), Half)).Message);
        Assert.Contains("chunks must not decrease", Assert.Throws<ArgumentException>(() => WordPruner.SelectKept(Words([0.1, 0.2], chunks: [1, 0]), Half)).Message);
    }

    [Fact]
    public void ZeroWeightChunksKeepNothing()
    {
        Assert.Empty(WordPruner.SelectKept(Words([0.9, 0.8], weights: [0, 0]), Half));
    }
}
