using TokenSkip.Core.Compression;
using Xunit;

namespace TokenSkip.Core.Tests.Compression;

public sealed class KeptTextTests
{
    [Fact]
    public void JoinsKeptWordsWithSingleSpacesOnlyWhereTheWordHadSpaceBefore()
    {
        const string text = "She sells\n\n9 eggs.";
        ScoredWord[] words =
        [
            new("She", new(0, 3), 0.9, 0, false), new("sells", new(4, 5), 0.1, 0, true), new("9", new(11, 1), 0.9, 0, true),
            new("eggs", new(13, 4), 0.9, 0, true), new(".", new(17, 1), 0.9, 0, false),
        ];

        Assert.Equal("She 9 eggs.", KeptText.Join(text, words, [0, 2, 3, 4]));
        Assert.Equal("sells.", KeptText.Join(text, words, [1, 4]));
        Assert.Equal(string.Empty, KeptText.Join(text, words, []));
    }

    [Fact]
    public void IndicesOutsideTheWordsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => KeptText.Join("a", [new("a", new(0, 1), 1, 0, false)], [1]));
    }
}
