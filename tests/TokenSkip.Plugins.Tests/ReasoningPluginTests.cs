using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using TokenSkip.Core.Budgets;
using TokenSkip.Core.Calibration;
using TokenSkip.SemanticKernel;
using Xunit;
using FunctionCallContent = Microsoft.Extensions.AI.FunctionCallContent;
using FunctionResultContent = Microsoft.Extensions.AI.FunctionResultContent;

namespace TokenSkip.Plugins.Tests;

public sealed class ReasoningPluginTests
{
    private const string Question = "Ann has 3 bags of 4 apples. How many apples?";

    private static readonly ModelCard Card = new()
    {
        Calibration = [new(1.0, 1.0, 0.9, 100), new(0.7, 0.7, 0.85, 70), new(0.5, 0.5, 0.8, 50)],
        TrainedRatios = [1.0, 0.7, 0.5],
    };

    private static (ReasoningPlugin Plugin, SimulatedReasoner Engine) Create()
    {
        var engine = new SimulatedReasoner(new Dictionary<string, (string, int)> { [Question] = ("12", 100) });
        var planner = new BudgetPlanner(Card, new BudgetPlannerOptions { SafetyDeviations = 0, AnswerTokens = 5 });
        var client = new TokenSkipChatClient(engine, new TokenSkipChatClientOptions { Planner = planner, ObserveCompletions = false });
        return (new ReasoningPlugin(client), engine);
    }

    [Fact]
    public async Task ShouldSolveWithTheRatioThePlannerFitsToTheBudgetAsync()
    {
        var (plugin, engine) = Create();

        // γ = 1.0 needs 105, γ = 0.7 needs 75: a budget of 90 fits 0.7.
        var result = await plugin.SolveAsync(Question, budget: 90);

        Assert.Equal("12", result.Answer);
        Assert.Equal(0.7, result.CompressionRatio);
        Assert.Equal(75, result.TokensUsed);
        Assert.Equal("stop", result.FinishReason);
        Assert.StartsWith("γ=0.7", result.Explanation);
        Assert.Contains("<|eot_id|>0.7<|eot_id|>", engine.Requests[^1].PromptText);
        Assert.True(engine.Requests[^1].Options.MaxNewTokens <= 90);
    }

    [Fact]
    public async Task ShouldSolveUncompressedWithoutABudgetAsync()
    {
        var (plugin, _) = Create();

        var result = await plugin.SolveAsync(Question);

        Assert.Equal(1.0, result.CompressionRatio);
        Assert.Equal(105, result.TokensUsed);
        Assert.Equal("12", result.Answer);
    }

    [Fact]
    public async Task ShouldRejectANonPositiveBudgetAsync()
    {
        var (plugin, _) = Create();

        await Assert.ThrowsAsync<ArgumentException>(() => plugin.SolveAsync(Question, budget: 0));
    }

    [Fact]
    public void ShouldChooseTheRatioWithItsPrediction()
    {
        var (plugin, _) = Create();

        var choice = plugin.ChooseCompressionRatio(remainingBudget: 160, stepsLeft: 2, question: Question);

        Assert.Equal(0.7, choice.CompressionRatio);
        Assert.Equal(75, choice.PredictedTokens);
        Assert.True(choice.FitsBudget);
        // 160 − 55 would leave the last step its γ = 0.5 prediction, but a cap never goes below the step's allowance:
        // (100 + 3 × 25) × 0.7 + 5 = 127.5.
        Assert.Equal(128, choice.MaxOutputTokens);
    }

    [Fact]
    public void ShouldDescribeItsFunctionsForModels()
    {
        var (plugin, _) = Create();
        var functions = KernelPluginFactory.CreateFromObject(plugin, "reasoning");

        var solve = functions["solve"].Metadata;
        Assert.False(string.IsNullOrEmpty(solve.Description));
        Assert.All(solve.Parameters, p => Assert.False(string.IsNullOrEmpty(p.Description)));
        Assert.Equal(["question", "budget"], solve.Parameters.Select(p => p.Name));
        Assert.Equal(["remainingBudget", "stepsLeft", "question"], functions["choose_compression_ratio"].Metadata.Parameters.Select(p => p.Name));
    }

    [Fact]
    public async Task ShouldBeCalledByAScriptedPlannerThroughAutoInvocationAsync()
    {
        var (plugin, engine) = Create();
        var planner = new ScriptedPlannerClient();
        var builder = Kernel.CreateBuilder();
        builder.Services.AddSingleton<IChatClient>(planner.AsBuilder().UseKernelFunctionInvocation().Build());
        builder.Plugins.AddFromObject(plugin, "reasoning");
        var kernel = builder.Build();

        var result = await kernel.InvokePromptAsync("Solve the worksheet within 200 tokens.",
            new(new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() }));

        // The planner asked for a ratio, then for a solve; both tool results came back to it.
        Assert.Equal(["reasoning_choose_compression_ratio", "reasoning_solve"], planner.Called);
        Assert.True(planner.Results[0].StartsWith('{'), planner.Results[0]);
        var choice = JsonDocument.Parse(planner.Results[0]).RootElement;
        Assert.Equal(1.0, choice.GetProperty("compression_ratio").GetDouble());
        var solved = JsonDocument.Parse(planner.Results[1]).RootElement;
        Assert.Equal("12", solved.GetProperty("answer").GetString());
        Assert.Single(engine.Requests);
        Assert.Equal("The answer is 12.", result.ToString());
    }

    /// <summary>A planner model that calls choose_compression_ratio, then solve, then answers with the tool result.</summary>
    private sealed class ScriptedPlannerClient : IChatClient
    {
        public List<string> Called { get; } = [];

        public List<string> Results { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var history = messages.ToList();
            foreach (var result in history.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Skip(Results.Count))
            {
                Results.Add(result.Result switch
                {
                    string text => text,
                    JsonElement json => json.GetRawText(),
                    var other => JsonSerializer.Serialize(other),
                });
            }

            var names = options!.Tools!.Select(t => t.Name).ToArray();
            ChatMessage reply = Called.Count switch
            {
                0 => Call(names.Single(n => n.EndsWith("choose_compression_ratio", StringComparison.Ordinal)),
                    new() { ["remainingBudget"] = 200, ["stepsLeft"] = 1, ["question"] = Question }),
                1 => Call(names.Single(n => n.EndsWith("_solve", StringComparison.Ordinal)), new() { ["question"] = Question, ["budget"] = 200 }),
                _ => new ChatMessage(ChatRole.Assistant, "The answer is " + JsonDocument.Parse(Results[^1]).RootElement.GetProperty("answer").GetString() + "."),
            };
            return Task.FromResult(new ChatResponse(reply));
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
            {
                yield return update;
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("scripted") : null;

        public void Dispose()
        {
        }

        private ChatMessage Call(string name, Dictionary<string, object?> arguments)
        {
            Called.Add(name);
            return new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call" + Called.Count, name, arguments)]);
        }
    }
}
