using TokenSkip.Core.Compression;
using Xunit;

namespace TokenSkip.Core.Tests.Compression;

public sealed class WordSegmenterTests
{
    private static string[] Texts(string text) => WordSegmenter.Segment(text).Select(s => text.Substring(s.Start, s.Length)).ToArray();

    [Fact]
    public void PunctuationAndSymbolsAreWordsOfTheirOwn()
    {
        Assert.Equal(["So", "9", "*", "2", "=", "18", "."], Texts("So 9*2=18."));
        Assert.Equal(["Let", "'", "s", "x²", "$", "12", "😀"], Texts("Let's\nx² $12 😀"));
    }

    [Fact]
    public void WhitespaceIsNeverPartOfAWordAndMarksSpaceBefore()
    {
        const string text = "a\n\nb.c";
        var spans = WordSegmenter.Segment(text);

        Assert.Equal([new TextSpan(0, 1), new TextSpan(3, 1), new TextSpan(4, 1), new TextSpan(5, 1)], spans);
        Assert.Equal([false, true, false, false], spans.Select(s => WordSegmenter.HasSpaceBefore(text, s)));
    }
}
