using System.Text.Json;
using Microsoft.Extensions.AI;
using TokenSkip.Core;
using Xunit;

namespace TokenSkip.SemanticKernel.Tests;

public sealed class TokenSkipCallOptionsTests
{
    public static TheoryData<object, double> Ratios => new()
    {
        { 0.6, 0.6 },
        { 0.75f, 0.75 },
        { 1, 1.0 },
        { 0.5m, 0.5 },
        { "0.7", 0.7 },
        { JsonSerializer.Deserialize<JsonElement>("0.8"), 0.8 },
        { JsonSerializer.Deserialize<JsonElement>("\"0.9\""), 0.9 },
    };

    [Theory]
    [MemberData(nameof(Ratios))]
    public void ShouldReadCompressionRatioOfEveryNumericShape(object value, double expected)
    {
        var call = TokenSkipCallOptions.From(With(TokenSkipOptionKeys.CompressionRatio, value));

        Assert.Equal(new CompressionRatio(expected), call.Ratio);
    }

    [Theory]
    [InlineData(300.0, 300)]
    [InlineData(300, 300)]
    [InlineData(300L, 300)]
    [InlineData("250", 250)]
    public void ShouldReadTokenBudgetAsDoubleIntOrString(object value, int expected)
    {
        Assert.Equal(expected, TokenSkipCallOptions.From(With(TokenSkipOptionKeys.TokenBudget, value)).TokenBudget);
    }

    [Theory]
    [InlineData(0.3, "compression_ratio must be between 0.5 and 1.0; got 0.3")]
    [InlineData(1.2, "compression_ratio must be between 0.5 and 1.0; got 1.2")]
    [InlineData(-1, "compression_ratio must be between 0.5 and 1.0; got -1")]
    [InlineData("abc", "compression_ratio must be a number; got 'abc'")]
    [InlineData(true, "compression_ratio must be a number")]
    [InlineData(double.NaN, "compression_ratio must be between 0.5 and 1.0")]
    public void ShouldRejectInvalidRatiosInsteadOfClamping(object value, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => TokenSkipCallOptions.From(With(TokenSkipOptionKeys.CompressionRatio, value)));

        Assert.StartsWith(message, error.Message);
    }

    [Theory]
    [InlineData(0, "token_budget must be a whole number of tokens >= 1; got 0")]
    [InlineData(-5, "token_budget must be a whole number of tokens >= 1; got -5")]
    [InlineData(12.5, "token_budget must be a whole number of tokens >= 1; got 12.5")]
    [InlineData("many", "token_budget must be a number; got 'many'")]
    [InlineData(1e12, "token_budget must be a whole number of tokens >= 1")]
    public void ShouldRejectInvalidBudgets(object value, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => TokenSkipCallOptions.From(With(TokenSkipOptionKeys.TokenBudget, value)));

        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void ShouldLeaveBothUnsetWithoutProperties()
    {
        Assert.Equal(new TokenSkipCallOptions(null, null), TokenSkipCallOptions.From(new ChatOptions()));
        Assert.Equal(new TokenSkipCallOptions(null, null), TokenSkipCallOptions.From(null));
    }

    [Fact]
    public async Task ShouldRejectAnInvalidRatioBeforeGeneratingAsync()
    {
        var engine = new ScriptedEngine(tokens: "x");
        var client = new TokenSkipChatClient(engine);

        await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync("Q?", With(TokenSkipOptionKeys.CompressionRatio, 0.4)));

        Assert.Empty(engine.Requests);
    }

    private static ChatOptions With(string key, object value) => new() { AdditionalProperties = new() { [key] = value } };
}
