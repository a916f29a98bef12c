using TokenSkip.Core.Generation;
using Xunit;

namespace TokenSkip.Core.Tests.Generation;

public sealed class GenerationOptionsTests
{
    [Fact]
    public void DefaultsAreGreedyAndValid()
    {
        var options = new GenerationOptions().Validate();
        Assert.True(options.IsGreedy);
        Assert.Equal(256, options.MaxNewTokens);
    }

    [Fact]
    public void EmptyStopStringsAreRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new GenerationOptions { StopStrings = [""] }.Validate());
        Assert.Contains("stop strings", error.Message);
    }
}
