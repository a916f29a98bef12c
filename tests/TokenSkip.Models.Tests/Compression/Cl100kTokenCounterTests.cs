using TokenSkip.Models.Compression;
using Xunit;

namespace TokenSkip.Models.Tests.Compression;

public sealed class Cl100kTokenCounterTests
{
    [Fact]
    public void CountsTiktokenCl100kTokensIncludingTheSentencePieceMark()
    {
        Assert.Equal(0, Cl100kTokenCounter.Count(string.Empty));
        Assert.Equal(1, Cl100kTokenCounter.Count("Hello"));
        // LLMLingua-2 counts XLM-R words with their "▁": three UTF-8 bytes that cl100k spells in two tokens.
        Assert.Equal(3, Cl100kTokenCounter.Count("▁Hello"));
    }
}
