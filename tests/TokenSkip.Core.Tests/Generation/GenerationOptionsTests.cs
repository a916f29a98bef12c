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

    [Theory]
    [InlineData(1e-300)]
    [InlineData(1e-6)]
    public void TemperaturesTooSmallToDivideByAreGreedy(double temperature) =>
        Assert.True(new GenerationOptions { Temperature = temperature }.Validate().IsGreedy);

    [Fact]
    public void AnOrdinarySmallTemperatureSamples() => Assert.False(new GenerationOptions { Temperature = 0.01 }.IsGreedy);
}
