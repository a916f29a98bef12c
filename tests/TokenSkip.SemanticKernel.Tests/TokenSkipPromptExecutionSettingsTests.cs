using System.Text.Json;
using Microsoft.SemanticKernel;
using Xunit;

namespace TokenSkip.SemanticKernel.Tests;

public sealed class TokenSkipPromptExecutionSettingsTests
{
    [Fact]
    public void ShouldRoundTripThroughSnakeCaseJson()
    {
        var settings = new TokenSkipPromptExecutionSettings
        {
            CompressionRatio = 0.6, TokenBudget = 400, MaxTokens = 300, Temperature = 0.2, TopP = 0.9, TopK = 20, Seed = 7,
            StopSequences = ["END"], ModelId = "tokenskip-default",
        };

        var json = JsonSerializer.Serialize(settings);
        var back = JsonSerializer.Deserialize<TokenSkipPromptExecutionSettings>(json)!;

        using var document = JsonDocument.Parse(json);
        var keys = document.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "compression_ratio", "token_budget", "max_tokens", "temperature", "top_p", "top_k", "seed", "stop_sequences", "model_id" }, keys);
        Assert.Equal(0.6, back.CompressionRatio);
        Assert.Equal(400, back.TokenBudget);
        Assert.Equal(300, back.MaxTokens);
        Assert.Equal(0.2, back.Temperature);
        Assert.Equal(0.9, back.TopP);
        Assert.Equal(20, back.TopK);
        Assert.Equal(7, back.Seed);
        Assert.Equal(["END"], back.StopSequences!);
        Assert.Equal("tokenskip-default", back.ModelId);
    }

    [Fact]
    public void ShouldConvertGenericSettingsFromTheirExtensionData()
    {
        var generic = new PromptExecutionSettings
        {
            ServiceId = "tokenskip",
            ExtensionData = new Dictionary<string, object>
            {
                ["compression_ratio"] = 0.7, ["token_budget"] = 250, ["max_tokens"] = "128", ["temperature"] = 0.0,
                ["top_p"] = 0.95, ["seed"] = 3, ["stop_sequences"] = new[] { "\n\n" },
            },
            FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(),
        };

        var settings = TokenSkipPromptExecutionSettings.FromExecutionSettings(generic);

        Assert.Equal(0.7, settings.CompressionRatio);
        Assert.Equal(250, settings.TokenBudget);
        Assert.Equal(128, settings.MaxTokens);
        Assert.Equal(0.0, settings.Temperature);
        Assert.Equal(0.95, settings.TopP);
        Assert.Equal(3, settings.Seed);
        Assert.Equal(["\n\n"], settings.StopSequences!);
        Assert.Equal("tokenskip", settings.ServiceId);
        Assert.Same(generic.FunctionChoiceBehavior, settings.FunctionChoiceBehavior);
    }

    [Fact]
    public void ShouldReturnTokenSkipSettingsAsTheyAre()
    {
        var settings = new TokenSkipPromptExecutionSettings { CompressionRatio = 0.5 };

        Assert.Same(settings, TokenSkipPromptExecutionSettings.FromExecutionSettings(settings));
        Assert.Null(TokenSkipPromptExecutionSettings.FromExecutionSettings(null).CompressionRatio);
    }

    [Fact]
    public void ShouldApplyTheDefaultMaxTokensOnlyWhenUnset()
    {
        Assert.Equal(256, TokenSkipPromptExecutionSettings.FromExecutionSettings(null, defaultMaxTokens: 256).MaxTokens);
        Assert.Equal(64, TokenSkipPromptExecutionSettings.FromExecutionSettings(new TokenSkipPromptExecutionSettings { MaxTokens = 64 }, 256).MaxTokens);
    }

    [Fact]
    public void ShouldRefuseChangesOnceFrozenButCloneFreely()
    {
        var settings = new TokenSkipPromptExecutionSettings { CompressionRatio = 0.8, StopSequences = ["x"] };
        settings.Freeze();

        Assert.Throws<InvalidOperationException>(() => settings.CompressionRatio = 0.5);
        var clone = (TokenSkipPromptExecutionSettings)settings.Clone();
        clone.CompressionRatio = 0.5;
        Assert.Equal(0.8, settings.CompressionRatio);
        Assert.Equal(0.5, clone.CompressionRatio);
        Assert.Equal(["x"], clone.StopSequences!);
    }

    [Fact]
    public void ShouldReachChatOptionsAsTokenSkipKeys()
    {
        var options = new TokenSkipPromptExecutionSettings { CompressionRatio = 0.6, TokenBudget = 300, MaxTokens = 200, Seed = 5 }.ToChatOptions(null)!;

        Assert.Equal(200, options.MaxOutputTokens);
        Assert.Equal(5, options.Seed);
        var call = TokenSkipCallOptions.From(options);
        Assert.Equal(new TokenSkip.Core.CompressionRatio(0.6), call.Ratio);
        Assert.Equal(300, call.TokenBudget);
    }
}
