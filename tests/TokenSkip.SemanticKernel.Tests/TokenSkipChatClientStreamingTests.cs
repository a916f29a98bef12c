using Microsoft.Extensions.AI;
using TokenSkip.Core.Prompts;
using Xunit;

namespace TokenSkip.SemanticKernel.Tests;

public sealed class TokenSkipChatClientStreamingTests
{
    [Fact]
    public async Task ShouldStreamOneUpdatePerTokenThenUsageAndFinishReasonAsync()
    {
        var engine = new ScriptedEngine(ModelFamily.Qwen2, "3 ", "× ", "4 ", "= ", "12");
        var client = new TokenSkipChatClient(engine);

        var updates = await client.GetStreamingResponseAsync("How many?").ToListAsync();

        Assert.Equal(["3 ", "× ", "4 ", "= ", "12"], updates.Take(5).Select(u => u.Text));
        var final = updates[^1];
        Assert.Equal(ChatFinishReason.Stop, final.FinishReason);
        var usage = Assert.Single(final.Contents.OfType<UsageContent>()).Details;
        Assert.Equal(5, usage.OutputTokenCount);
        Assert.Equal(usage.InputTokenCount + 5, usage.TotalTokenCount);
        Assert.True(usage.InputTokenCount > 10);
        Assert.Equal(1.0, final.AdditionalProperties![TokenSkipOptionKeys.CompressionRatio]);
    }

    [Fact]
    public async Task ShouldReportLengthWhenMaxOutputTokensCutsTheAnswerAsync()
    {
        var engine = new ScriptedEngine(ModelFamily.Qwen2, "a ", "b ", "c ", "d ");
        var client = new TokenSkipChatClient(engine);

        var response = await client.GetResponseAsync("Q?", new ChatOptions { MaxOutputTokens = 2 });

        Assert.Equal(2, engine.LastRequest.Options.MaxNewTokens);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal("a b ", response.Text);
        Assert.Equal(2, response.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task ShouldPassSamplingOptionsAndStopSequencesToTheEngineAsync()
    {
        var engine = new ScriptedEngine(ModelFamily.Llama3, "x");
        var client = new TokenSkipChatClient(engine);

        await client.GetResponseAsync("Q?", new ChatOptions
        {
            Temperature = 0.7f, TopP = 0.9f, TopK = 40, Seed = 1234, StopSequences = ["\n\nQ:"],
        });

        var options = engine.LastRequest.Options;
        Assert.Equal(0.7, options.Temperature, 5);
        Assert.Equal(0.9, options.TopP, 5);
        Assert.Equal(40, options.TopK);
        Assert.Equal(1234, options.Seed);
        Assert.Equal(["<|eot_id|>", "<|end_of_text|>", "<|eom_id|>", "\n\nQ:"], options.StopStrings);
        Assert.Equal(512, options.MaxNewTokens);
    }

    [Fact]
    public async Task ShouldStopAtAStopSequenceAsync()
    {
        var engine = new ScriptedEngine(ModelFamily.Qwen2, "12 ", "<|im_end|>", "junk");
        var client = new TokenSkipChatClient(engine);

        var response = await client.GetResponseAsync("Q?");

        Assert.Equal("12 ", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task ShouldStopWithinOneTokenOfCancellationAsync()
    {
        using var cancellation = new CancellationTokenSource();
        var engine = new ScriptedEngine(ModelFamily.Qwen2) { Endless = true };
        var client = new TokenSkipChatClient(engine);
        var received = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("Q?", cancellationToken: cancellation.Token))
            {
                if (++received == 3)
                {
                    cancellation.Cancel();
                }
            }
        });

        Assert.Equal(3, received);
        Assert.InRange(engine.Produced, 3, 4);
    }

    [Fact]
    public async Task ShouldRejectInvalidSamplingOptionsWithArgumentExceptionAsync()
    {
        var client = new TokenSkipChatClient(new ScriptedEngine(ModelFamily.Qwen2, "x"));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync("Q?", new ChatOptions { TopP = 1.5f }));
        Assert.Contains("top_p", error.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync("Q?", new ChatOptions { MaxOutputTokens = 0 }));
    }

    [Fact]
    public void ShouldDescribeItselfThroughGetService()
    {
        var engine = new ScriptedEngine(ModelFamily.Qwen2, "x");
        var client = new TokenSkipChatClient(engine);

        Assert.Equal("scripted", client.GetService<ChatClientMetadata>()!.DefaultModelId);
        Assert.Same(engine, client.GetService<ScriptedEngine>());
        Assert.Same(client.Planner, client.GetService<TokenSkip.Core.Budgets.BudgetPlanner>());
    }
}
