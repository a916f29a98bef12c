using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using FunctionCallContent = Microsoft.Extensions.AI.FunctionCallContent;
using TokenSkip.Core.Budgets;
using Xunit;

namespace TokenSkip.SemanticKernel.Tests;

public sealed class TokenBudgetFunctionFilterTests
{
    [Fact]
    public async Task ShouldEndTheToolLoopOnceTheBudgetIsSpentAsync()
    {
        var invocations = 0;
        var inner = new ScriptedChatClient
        {
            Reply = (i, _, _) => new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent($"c{i}", "tools_tick")]))
            {
                Usage = new UsageDetails { OutputTokenCount = 60 },
            },
        };
        var builder = Kernel.CreateBuilder();
        builder.Services.AddSingleton<IChatClient>(inner.AsBuilder().UseKernelFunctionInvocation().UseTokenBudget().Build());
        builder.Services.AddSingleton<IAutoFunctionInvocationFilter>(new TokenBudgetFunctionFilter());
        builder.Plugins.AddFromFunctions("tools", [KernelFunctionFactory.CreateFromMethod(() => ++invocations, "tick")]);
        var kernel = builder.Build();

        using var run = TokenBudgetScope.Begin(100);
        await kernel.InvokePromptAsync("tick until done",
            new(new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() }));

        // Round trip 1 spends 60 (40 left), round trip 2 spends 60 (spent): the filter ends the loop after tick #2.
        Assert.Equal(2, invocations);
        Assert.Equal(2, inner.Calls.Count);
        Assert.True(run.Ledger.IsExhausted);
    }

    [Fact]
    public async Task ShouldLeaveTheLoopAloneWhileBudgetRemainsAsync()
    {
        var inner = new ScriptedChatClient
        {
            Reply = (i, _, _) => i == 0
                ? new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c0", "tools_tick")])) { Usage = new UsageDetails { OutputTokenCount = 10 } }
                : ScriptedChatClient.Spent("done", 10),
        };
        var builder = Kernel.CreateBuilder();
        builder.Services.AddSingleton<IChatClient>(inner.AsBuilder().UseKernelFunctionInvocation().UseTokenBudget().Build());
        var ledger = new TokenBudgetLedger(1000);
        builder.Services.AddSingleton<IAutoFunctionInvocationFilter>(new TokenBudgetFunctionFilter(ledger, reserveTokens: 50));
        builder.Plugins.AddFromFunctions("tools", [KernelFunctionFactory.CreateFromMethod(() => 1, "tick")]);
        var kernel = builder.Build();

        using var run = TokenBudgetScope.Begin(ledger);
        var result = await kernel.InvokePromptAsync("tick once",
            new(new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() }));

        Assert.Equal("done", result.ToString());
        Assert.Equal(20, ledger.Used);
    }
}
