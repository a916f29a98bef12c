using TokenSkip.Core.Compression;
using Xunit;

namespace TokenSkip.Core.Tests.Compression;

public sealed class SubwordMergerTests
{
    private static SubwordToken T(string piece, float probability) => new(piece, probability);

    [Fact]
    public void SentencePieceWordsStartAtTheMarkOrAtPunctuationAndAverageTheirTokens()
    {
        SubwordToken[] tokens =
        [
            new("<s>", 0.99f, IsSpecial: true), T("▁Jan", 0.2f), T("et", 0.6f), T("▁has", 0.1f), T("▁1", 0.5f), T("6", 0.7f),
            T(".", 0.3f), T("▁eggs", 0.8f), new("</s>", 0.99f, IsSpecial: true),
        ];

        var words = SubwordMerger.Merge(tokens, SubwordScheme.SentencePiece);

        Assert.Equal(["▁Janet", "▁has", "▁16", ".", "▁eggs"], words.Select(w => w.Form));
        Assert.Equal(((double)0.2f + 0.6f) / 2, words[0].Score);
        Assert.Equal(((double)0.5f + 0.7f) / 2, words[2].Score);
        Assert.Equal((1, 2), (words[0].FirstToken, words[0].LastToken));
        Assert.Equal((7, 7), (words[4].FirstToken, words[4].LastToken));
    }

    [Theory]
    [InlineData("()", 2)] // a substring of string.punctuation
    [InlineData("<=", 2)]
    [InlineData(".", 2)]
    [InlineData("..", 1)] // not a substring: continues the word
    [InlineData("x", 1)]
    public void PunctuationIsTestedAsASubstringOfPythonsStringPunctuation(string piece, int expectedWords)
    {
        var words = SubwordMerger.Merge([T("▁a", 0.5f), T(piece, 0.5f)], SubwordScheme.SentencePiece);

        Assert.Equal(expectedWords, words.Count);
    }

    [Fact]
    public void ForceTokensGetProbabilityOneOnTheirFirstTokenOnly()
    {
        var options = new PruningOptions { ForceTokens = ["Step", ":"] };
        SubwordToken[] tokens = [T("▁Step", 0.2f), T("s", 0.4f), T("▁1", 0.3f), T(":", 0.1f)];

        var words = SubwordMerger.Merge(tokens, SubwordScheme.SentencePiece, options);

        Assert.Equal(["▁Steps", "▁1", ":"], words.Select(w => w.Form));
        Assert.Equal((1.0 + 0.4f) / 2, words[0].Score);
        Assert.Equal((double)0.3f, words[1].Score);
        Assert.Equal(1.0, words[2].Score);
    }

    [Fact]
    public void KeepDigitsForcesEveryTokenWithADigitIncludingContinuations()
    {
        var options = new PruningOptions { KeepDigits = true };
        SubwordToken[] tokens = [T("▁1", 0.3f), T("6", 0.1f), T("▁x", 0.2f), T("٣", 0.2f)];

        var words = SubwordMerger.Merge(tokens, SubwordScheme.SentencePiece, options);

        Assert.Equal([1.0, (0.2f + 1.0) / 2], words.Select(w => w.Score));
        Assert.Equal("▁x٣", words[1].Form);
    }

    [Fact]
    public void WordPieceContinuationsStartWithHashes()
    {
        SubwordToken[] tokens = [new("[CLS]", 0.9f, true), T("Jan", 0.2f), T("##et", 0.4f), T("#", 0.6f), T("16", 0.8f), new("[SEP]", 0.9f, true)];

        var words = SubwordMerger.Merge(tokens, SubwordScheme.WordPiece);

        Assert.Equal(["Janet", "#", "16"], words.Select(w => w.Form));
        Assert.Equal(((double)0.2f + 0.4f) / 2, words[0].Score);
    }

    [Fact]
    public void AWordPieceForceTokenStartsAWordEvenAsAContinuation()
    {
        var options = new PruningOptions { ForceTokens = ["ing"] };

        var words = SubwordMerger.Merge([T("walk", 0.2f), T("##ing", 0.4f)], SubwordScheme.WordPiece, options);

        Assert.Equal(["walk", "##ing"], words.Select(w => w.Form));
        Assert.Equal(1.0, words[1].Score);
    }

    [Fact]
    public void AChunkThatStartsMidWordStartsAWordWithoutTheMark()
    {
        var words = SubwordMerger.Merge([T("##ing", 0.4f), T("now", 0.2f)], SubwordScheme.WordPiece);

        Assert.Equal(["ing", "now"], words.Select(w => w.Form));
    }
}
