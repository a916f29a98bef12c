using TokenSkip.Core.Engine;
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
        var error = Assert.Throws<InvalidRequestException>(() => new GenerationOptions { StopStrings = [""] }.Validate());
        Assert.Contains("stop strings", error.Message);
        Assert.Equal("stop", error.Parameter);
    }

    public static TheoryData<GenerationOptions, string> InvalidOptions => new()
    {
        { new GenerationOptions { MaxNewTokens = 0 }, "max_tokens" },
        { new GenerationOptions { Temperature = -0.5 }, "temperature" },
        { new GenerationOptions { Temperature = double.NaN }, "temperature" },
        { new GenerationOptions { TopP = 0 }, "top_p" },
        { new GenerationOptions { TopP = 1.5 }, "top_p" },
        { new GenerationOptions { TopK = -1 }, "top_k" },
        { new GenerationOptions { RepetitionPenalty = 0 }, "repetition_penalty" },
        { new GenerationOptions { StopStrings = ["ok", null!] }, "stop" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void AnInvalidOptionIsATypedErrorNamingTheRequestField(GenerationOptions options, string parameter)
    {
        var error = Assert.Throws<InvalidRequestException>(() => options.Validate());

        Assert.Equal(parameter, error.Parameter);
        Assert.StartsWith(parameter, error.Message, StringComparison.Ordinal);
        Assert.Null(error.Code);
        Assert.Null(error.ParamName); // no " (Parameter ...)" suffix in the message
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ARequestNeedsExactlyOnePromptForm(bool both)
    {
        var request = both ? new GenerationRequest { PromptText = "a", PromptIds = [1] } : new GenerationRequest();

        var error = Assert.Throws<InvalidRequestException>(() => request.Validate());

        Assert.Equal("prompt", error.Parameter);
    }

    [Fact]
    public void ARequestValidatesItsOptions() =>
        Assert.Equal("top_k", Assert.Throws<InvalidRequestException>(() => new GenerationRequest { PromptIds = [1], Options = new() { TopK = -3 } }.Validate()).Parameter);

    [Theory]
    [InlineData(1e-300)]
    [InlineData(1e-6)]
    public void TemperaturesTooSmallToDivideByAreGreedy(double temperature) =>
        Assert.True(new GenerationOptions { Temperature = temperature }.Validate().IsGreedy);

    [Fact]
    public void AnOrdinarySmallTemperatureSamples() => Assert.False(new GenerationOptions { Temperature = 0.01 }.IsGreedy);
}
