using Microsoft.Extensions.AI;
using TokenSkip.Core.Budgets;
using Xunit;

namespace TokenSkip.SemanticKernel.Tests;

public sealed class TokenBudgetChatClientTests
{
    [Fact]
    public async Task ShouldCapEachRoundTripToWhatIsLeftAndChargeItAsync()
    {
        var inner = new ScriptedChatClient { Reply = (_, _, _) => ScriptedChatClient.Spent("x", 120) };
        var ledger = new TokenBudgetLedger(300);
        var client = new TokenBudgetChatClient(inner, ledger);

        await client.GetResponseAsync("a", new ChatOptions { MaxOutputTokens = 1000 });
        await client.GetResponseAsync("b");

        Assert.Equal(300, inner.Calls[0].Options!.MaxOutputTokens);
        Assert.Equal(180, inner.Calls[1].Options!.MaxOutputTokens);
        Assert.Equal(180.0, Convert.ToDouble(inner.Calls[1].Options!.AdditionalProperties![TokenSkipOptionKeys.TokenBudget]));
        Assert.Equal(240, ledger.Used);
    }

    [Fact]
    public async Task ShouldNotCallTheModelOnceTheBudgetIsSpentAsync()
    {
        var inner = new ScriptedChatClient { Reply = (_, _, _) => ScriptedChatClient.Spent("x", 100) };
        var ledger = new TokenBudgetLedger(100);
        var client = new TokenBudgetChatClient(inner, ledger);

        await client.GetResponseAsync("a");
        var response = await client.GetResponseAsync("b");

        Assert.Single(inner.Calls);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(true, response.AdditionalProperties![TokenSkipOptionKeys.BudgetExhausted]);
    }

    [Fact]
    public async Task ShouldKeepAFixedRatioButStillCapAsync()
    {
        var inner = new ScriptedChatClient { Reply = (_, _, _) => ScriptedChatClient.Spent("x", 10) };
        var client = new TokenBudgetChatClient(inner, new TokenBudgetLedger(50));

        await client.GetResponseAsync("a", new ChatOptions { AdditionalProperties = new() { [TokenSkipOptionKeys.CompressionRatio] = 0.7 } });

        var sent = inner.Calls[0].Options!;
        Assert.Equal(50, sent.MaxOutputTokens);
        Assert.False(sent.AdditionalProperties!.ContainsKey(TokenSkipOptionKeys.TokenBudget));
        Assert.Equal(0.7, sent.AdditionalProperties[TokenSkipOptionKeys.CompressionRatio]);
    }

    [Fact]
    public async Task ShouldChargeTheAmbientRunLedgerAcrossClientsAsync()
    {
        var inner = new ScriptedChatClient { Reply = (_, _, _) => ScriptedChatClient.Spent("x", 30) };
        var first = new TokenBudgetChatClient(inner);
        var second = new TokenBudgetChatClient(inner);

        using (var run = TokenBudgetScope.Begin(100))
        {
            await first.GetResponseAsync("a");
            await second.GetResponseAsync("b");
            Assert.Equal(60, run.Ledger.Used);
            Assert.Same(run.Ledger, TokenBudgetScope.Current);
        }

        Assert.Null(TokenBudgetScope.Current);
        await first.GetResponseAsync("c");
        Assert.Null(inner.Calls[2].Options);
    }

    [Fact]
    public async Task ShouldChargeReportedUsageWhenStreamingAsync()
    {
        var engine = new ScriptedEngine(tokens: ["a ", "b ", "c "]);
        var ledger = new TokenBudgetLedger(10);
        var client = new TokenBudgetChatClient(new TokenSkipChatClient(engine), ledger);

        var updates = await client.GetStreamingResponseAsync("Q?").ToListAsync();

        Assert.Equal(3, ledger.Used);
        Assert.Equal(10, engine.LastRequest.Options.MaxNewTokens);
        Assert.Contains(updates, u => u.Contents.OfType<UsageContent>().Any());
    }

    [Fact]
    public async Task ShouldSeeEveryRoundTripOfAFunctionInvocationLoopAsync()
    {
        var calls = 0;
        var tool = AIFunctionFactory.Create(() => { calls++; return "42"; }, "lookup");
        var inner = new ScriptedChatClient
        {
            Reply = (i, _, _) => i < 3
                ? new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent($"c{i}", "lookup")]))
                {
                    Usage = new UsageDetails { OutputTokenCount = 40 },
                }
                : ScriptedChatClient.Spent("done", 40),
        };
        var client = inner.AsBuilder().UseFunctionInvocation().UseTokenBudget().Build();

        using var run = TokenBudgetScope.Begin(100);
        var response = await client.GetResponseAsync("go", new ChatOptions { Tools = [tool] });

        // Round trips 1 and 2 spend 80; the third gets a cap of 20 and spends 40; nothing is left for a fourth.
        Assert.Equal([100, 60, 20], inner.Calls.Select(c => c.Options!.MaxOutputTokens ?? -1));
        Assert.Equal(3, inner.Calls.Count);
        Assert.Equal(120, run.Ledger.Used);
        Assert.Equal(20, run.Ledger.Overspent);
        Assert.Equal(3, calls);
        Assert.Equal(true, response.AdditionalProperties?[TokenSkipOptionKeys.BudgetExhausted]);
    }

    [Fact]
    public async Task ShouldGiveOneCallsRoundTripsOneLedgerFromTokenBudgetAsync()
    {
        var inner = new ScriptedChatClient { Reply = (_, _, _) => ScriptedChatClient.Spent("x", 70) };
        var client = new TokenBudgetChatClient(inner);
        var options = new ChatOptions { AdditionalProperties = new() { [TokenSkipOptionKeys.TokenBudget] = 100 } };

        await client.GetResponseAsync("a", options);
        await client.GetResponseAsync("b", options);
        await client.GetResponseAsync("c", new ChatOptions { AdditionalProperties = new() { [TokenSkipOptionKeys.TokenBudget] = 100 } });

        Assert.Equal([100, 30, 100], inner.Calls.Select(c => c.Options!.MaxOutputTokens ?? -1));
    }
}
