using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using TokenSkip.Core.Prompts;
using Xunit;

namespace TokenSkip.SemanticKernel.Tests;

/// <summary>
/// Microsoft Agent Framework's <see cref="ChatClientAgent"/> over the TokenSkip pipeline: instructions, a tool run by the
/// pipeline's function invocation, γ in the run options, and a per-run token budget that ends the tool loop when spent.
/// </summary>
public sealed class AgentFrameworkTests
{
    private const string Call = "<tool_call>\n{\"name\": \"lookup_price\", \"arguments\": {\"item\": \"pen\"}}\n</tool_call>";
    private static readonly AIFunction LookupPrice = AIFunctionFactory.Create((string item) => item == "pen" ? 3 : 0, "lookup_price", "The price of an item in dollars.");

    private static (IChatClient Client, ScriptedEngine Engine, ServiceProvider Services) Pipeline(Func<GenerationRequestView, IReadOnlyList<string>> script)
    {
        var engine = new ScriptedEngine(ModelFamily.Qwen2) { Script = request => script(new GenerationRequestView(request.PromptText!)) };
        var services = new ServiceCollection();
        services.AddTokenSkipChatClient(engine);
        var provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<IChatClient>(), engine, provider);
    }

    [Fact]
    public async Task AnAgentWithInstructionsAToolAndARatioRunsTheToolAndAnswersAsync()
    {
        var (client, engine, services) = Pipeline(request => request.Prompt.Contains("<tool_response>", StringComparison.Ordinal)
            ? ["3 pens cost 3 × 3 = 9 dollars.\n\nThe final answer is: $\\boxed{9}$"]
            : [Call]);
        await using var _ = services;
        var agent = new ChatClientAgent(client, instructions: "You are a shop assistant.", tools: [LookupPrice]);

        var response = await agent.RunAsync("How much do 3 pens cost?", options: new ChatClientAgentRunOptions(new ChatOptions
        {
            AdditionalProperties = new() { [TokenSkipOptionKeys.CompressionRatio] = 0.6 },
        }));

        Assert.Contains("\\boxed{9}", response.Text);
        Assert.Equal(2, engine.Requests.Count);
        var first = engine.Requests[0].PromptText!;
        Assert.StartsWith("<|im_start|>system\nYou are a helpful assistant.\n\nYou are a shop assistant.\n\n# Tools", first);
        Assert.Contains("How much do 3 pens cost?<|eot_id|>0.6<|eot_id|>", first);
        Assert.Contains("<tool_response>\n3\n</tool_response>", engine.Requests[1].PromptText);
    }

    [Fact]
    public async Task APerRunBudgetEndsAToolLoopWhenItIsSpentAsync()
    {
        // A model that calls the tool forever: only the budget can end the run.
        var (client, engine, services) = Pipeline(_ => [Call]);
        await using var _ = services;
        var agent = new ChatClientAgent(client, tools: [LookupPrice]);

        using var run = TokenBudgetScope.Begin(6);
        var response = await agent.RunAsync("How much do 3 pens cost?");

        Assert.True(run.Ledger.IsExhausted);
        Assert.InRange(engine.Requests.Count, 1, 6);
        Assert.True(run.Ledger.Used >= 6);
        Assert.NotNull(response);
    }

    /// <summary>What a script sees of a request.</summary>
    internal sealed record GenerationRequestView(string Prompt);
}
