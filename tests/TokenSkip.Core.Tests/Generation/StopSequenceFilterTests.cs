using TokenSkip.Core.Generation;
using Xunit;

namespace TokenSkip.Core.Tests.Generation;

public sealed class StopSequenceFilterTests
{
    [Fact]
    public void HoldsBackAPossibleStopPrefixAndCutsAtTheStop()
    {
        var filter = new StopSequenceFilter(["<|im_end|>"]);

        Assert.Equal("The answer", filter.Push("The answer"));
        Assert.Equal(" is 4.", filter.Push(" is 4.<|im"));
        Assert.False(filter.Stopped);
        Assert.Equal(string.Empty, filter.Push("_end|> trailing"));
        Assert.True(filter.Stopped);
        Assert.Equal("<|im_end|>", filter.MatchedStop);
        Assert.Equal(string.Empty, filter.Push("more"));
        Assert.Equal(string.Empty, filter.Flush());
    }

    [Fact]
    public void ReleasesHeldTextWhenThePrefixDoesNotContinue()
    {
        var filter = new StopSequenceFilter(["STOP"]);

        Assert.Equal("ab", filter.Push("abST"));
        Assert.Equal("STx", filter.Push("x"));
        Assert.Equal("S", filter.Push("S") + filter.Flush());
    }

    [Fact]
    public void TheEarliestOfSeveralStopsWins()
    {
        var filter = new StopSequenceFilter(["world", "lo w"]);

        Assert.Equal("hel", filter.Push("hello world"));
        Assert.Equal("lo w", filter.MatchedStop);
    }

    [Fact]
    public void WithoutStopsEverythingPassesThrough()
    {
        var filter = new StopSequenceFilter([]);
        Assert.Equal("abc", filter.Push("abc"));
        Assert.Equal(string.Empty, filter.Flush());
    }
}
