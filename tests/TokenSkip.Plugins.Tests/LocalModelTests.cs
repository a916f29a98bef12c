using Microsoft.Extensions.AI;
using TokenSkip.Core;
using TokenSkip.Core.Budgets;
using TokenSkip.Models.Inference;
using TokenSkip.Plugins.Worksheets;
using TokenSkip.Pipeline.Synthetic;
using TokenSkip.SemanticKernel;
using TokenSkip.TestSupport;
using Xunit;

using TokenSkip.TestSupport.Models;

namespace TokenSkip.Plugins.Tests;

/// <summary>The connector and the worksheet agent on a real in-process engine (a tiny random Qwen2), end to end.</summary>
public sealed class LocalModelTests : IClassFixture<LocalModelTests.TinyEngine>
{
    private readonly TinyEngine _fixture;

    public LocalModelTests(TinyEngine fixture) => _fixture = fixture;

    [Fact]
    public async Task ShouldStreamTokensAndUsageFromTheLocalEngineAsync()
    {
        var client = new TokenSkipChatClient(_fixture.Engine);

        var updates = await client.GetStreamingResponseAsync("Ann has 3 bags of 4 apples. How many apples?", new ChatOptions
        {
            MaxOutputTokens = 12,
            AdditionalProperties = new() { [TokenSkipOptionKeys.CompressionRatio] = 0.6 },
        }).ToListAsync();

        var usage = updates.SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details;
        var final = updates.Single(u => u.FinishReason is not null);
        Assert.InRange(usage.OutputTokenCount!.Value, 1, 12);
        Assert.True(final.FinishReason == ChatFinishReason.Length ? usage.OutputTokenCount == 12 : usage.OutputTokenCount < 12);
        Assert.Equal(_fixture.Engine.CountTokens(TokenSkip.Core.Prompts.TokenSkipPromptBuilder.BuildPrompt(
            TokenSkip.Core.Prompts.ModelFamily.Qwen2, "Ann has 3 bags of 4 apples. How many apples?", new CompressionRatio(0.6))), usage.InputTokenCount);
    }

    [Fact]
    public async Task ShouldStopTheLocalEngineWhenCancelledAsync()
    {
        using var cancellation = new CancellationTokenSource();
        var client = new TokenSkipChatClient(_fixture.Engine);
        var received = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("Q?", new ChatOptions { MaxOutputTokens = 400 }, cancellation.Token))
            {
                if (update.Text.Length > 0 && ++received == 2)
                {
                    cancellation.Cancel();
                }
            }
        });

        Assert.Equal(2, received);
    }

    [Fact]
    public async Task ShouldKeepAWorksheetWithinItsBudgetOnTheLocalEngineAsync()
    {
        var planner = new BudgetPlanner(null, new BudgetPlannerOptions { CountTokens = _fixture.Engine.CountTokens, DefaultCotTokens = 40 });
        var client = new TokenSkipChatClient(_fixture.Engine, new TokenSkipChatClientOptions { Planner = planner })
            .AsBuilder().UseTokenBudget().Build();
        var problems = WordProblemGenerator.Generate(123, 3).Select(p => new WorksheetProblem(p.Question, p.Answer)).ToArray();

        using var run = TokenBudgetScope.Begin(60);
        var result = await new WorksheetRunner(client).RunAsync(problems, 60, new PlannedPolicy());

        Assert.Equal(3, result.Steps.Count);
        Assert.True(result.WithinBudget);
        Assert.Equal(result.TokensUsed, run.Ledger.Used);
    }

    /// <summary>Writes and loads the tiny model once for the class.</summary>
    public sealed class TinyEngine : IDisposable
    {
        private readonly TempFolder _folder = new();

        public TinyEngine() => Engine = LocalGenerationEngine.Load(TinyQwen.Write(_folder.Path));

        public LocalGenerationEngine Engine { get; }

        public void Dispose()
        {
            Engine.Dispose();
            _folder.Dispose();
        }
    }
}
