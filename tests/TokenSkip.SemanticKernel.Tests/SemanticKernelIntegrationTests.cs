using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using TokenSkip.Core.Prompts;
using Xunit;

namespace TokenSkip.SemanticKernel.Tests;

public sealed class SemanticKernelIntegrationTests
{
    [Fact]
    public async Task ShouldExposeUsageInMetadataOnTheNonStreamingPathAsync()
    {
        var engine = new ScriptedEngine(ModelFamily.Qwen2, "a ", "b ", "c");
        var kernel = Kernel.CreateBuilder().AddTokenSkipChatCompletion(engine).Build();
        var chat = kernel.GetRequiredService<IChatCompletionService>();

        var message = await chat.GetChatMessageContentAsync("Q?", new TokenSkipPromptExecutionSettings { CompressionRatio = 0.6 }, kernel);

        Assert.Equal("a b c", message.Content);
        var usage = Assert.IsType<UsageDetails>(message.Metadata!["Usage"]);
        Assert.Equal(3, usage.OutputTokenCount);
        Assert.Contains("<|eot_id|>0.6<|eot_id|>", engine.LastRequest.PromptText);
        Assert.Equal(0.6, message.Metadata[TokenSkipOptionKeys.CompressionRatio]);
    }

    [Fact]
    public async Task ShouldExposeUsageInMetadataOnTheStreamingPathAsync()
    {
        var engine = new ScriptedEngine(ModelFamily.Qwen2, "a ", "b");
        var kernel = Kernel.CreateBuilder().AddTokenSkipChatCompletion(engine).Build();
        var chat = kernel.GetRequiredService<IChatCompletionService>();

        var updates = await chat.GetStreamingChatMessageContentsAsync("Q?", new TokenSkipPromptExecutionSettings { MaxTokens = 5 }, kernel).ToListAsync();

        Assert.Equal("a b", string.Concat(updates.Select(u => u.Content)));
        var usage = updates.Select(u => u.Metadata?.GetValueOrDefault("Usage")).OfType<UsageContent>().Single();
        Assert.Contains(updates, u => u.Metadata?.GetValueOrDefault(TokenSkipOptionKeys.CompressionRatio) is 1.0);
        Assert.Equal(2, usage.Details.OutputTokenCount);
        Assert.Equal(5, engine.LastRequest.Options.MaxNewTokens);
    }

    [Fact]
    public async Task ShouldExposeUsageThroughTheChatClientPathAsync()
    {
        var engine = new ScriptedEngine(ModelFamily.Llama3, "x ", "y");
        var kernel = Kernel.CreateBuilder().AddTokenSkipChatClient(engine).Build();
        var client = kernel.GetRequiredService<IChatClient>();

        var response = await client.GetResponseAsync("Q?", new TokenSkipPromptExecutionSettings { TokenBudget = 50 }.ToChatOptions(kernel));

        Assert.Equal(2, response.Usage!.OutputTokenCount);
        Assert.True(engine.LastRequest.Options.MaxNewTokens <= 50);
    }

    [Fact]
    public async Task ShouldRegisterClientsKeyedByServiceIdAsync()
    {
        var small = new ScriptedEngine(ModelFamily.Qwen2, "small");
        var large = new ScriptedEngine(ModelFamily.Qwen2, "large");
        var collection = new ServiceCollection();
        collection.AddTokenSkipChatClient(small, serviceId: "small");
        collection.AddTokenSkipChatClient(large, serviceId: "large");
        var services = collection
            .AddTokenSkipChatCompletion(_ => new ScriptedEngine(ModelFamily.Qwen2, "owned"), serviceId: "owned")
            .BuildServiceProvider();

        var fromLarge = await services.GetRequiredKeyedService<IChatClient>("large").GetResponseAsync("Q?");
        var fromOwned = await services.GetRequiredKeyedService<IChatCompletionService>("owned").GetChatMessageContentAsync("Q?");

        Assert.Equal("large", fromLarge.Text);
        Assert.Equal("owned", fromOwned.Content);
        Assert.Empty(small.Requests);
        Assert.Null(services.GetService<IChatClient>());
    }

    [Fact]
    public async Task ShouldPlanTheRatioForABudgetOnlyCallAsync()
    {
        var engine = new ScriptedEngine(ModelFamily.Qwen2, "x");
        var kernel = Kernel.CreateBuilder().AddTokenSkipChatCompletion(engine).Build();
        var chat = kernel.GetRequiredService<IChatCompletionService>();

        // Uncalibrated planner: 300-token prior CoTs, so a 200-token budget fits only a compressed γ.
        await chat.GetChatMessageContentAsync("Q?", new TokenSkipPromptExecutionSettings { TokenBudget = 200 }, kernel);

        Assert.Matches(@"<\|eot_id\|>0\.[5-9]<\|eot_id\|>", engine.LastRequest.PromptText);
        Assert.True(engine.LastRequest.Options.MaxNewTokens <= 200);
    }
}
