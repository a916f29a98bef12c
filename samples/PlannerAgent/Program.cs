// A Microsoft Agent Framework agent whose planner is any OpenAI-compatible chat model (configured by you) and whose
// reasoning tool is TokenSkip: the ChatClientAgent reads a multi-step task, asks reasoning_choose_compression_ratio how
// hard to think about each step, and calls reasoning_solve; the planner's function invocation runs the tools, a
// TokenBudgetScope holds the run's budget for the reasoning model, and the function invoker ends the tool loop once
// less than 20 tokens of it are left.
//
//   PLANNER_ENDPOINT=http://localhost:8000/v1 PLANNER_MODEL=qwen2.5-7b-instruct [PLANNER_API_KEY=...] \
//   dotnet run --project samples/PlannerAgent -- [--model DIR | --tokenskip-endpoint URL --tokenskip-model NAME] [--budget 1500]
using System.ClientModel;
using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Agents.AI;
using OpenAI;
using TokenSkip.Core.Calibration;
using TokenSkip.Core.Remote;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Prompts;
using TokenSkip.Models;
using TokenSkip.Models.Inference;
using TokenSkip.Plugins;
using TokenSkip.SemanticKernel;

string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

var plannerModel = Environment.GetEnvironmentVariable("PLANNER_MODEL");
if (string.IsNullOrEmpty(plannerModel))
{
    Console.Error.WriteLine("error: set PLANNER_MODEL (and PLANNER_ENDPOINT, default http://localhost:8000/v1; PLANNER_API_KEY if needed) to an OpenAI-compatible chat model that supports tool calls.");
    return 1;
}

var budget = int.Parse(Arg("--budget") ?? "1500", CultureInfo.InvariantCulture);
var plannerEndpoint = new Uri(Environment.GetEnvironmentVariable("PLANNER_ENDPOINT") ?? "http://localhost:8000/v1");
var planner = new OpenAIClient(new ApiKeyCredential(Environment.GetEnvironmentVariable("PLANNER_API_KEY") ?? "none"),
        new OpenAIClientOptions { Endpoint = plannerEndpoint })
    .GetChatClient(plannerModel)
    .AsIChatClient();

// The reasoning tool: the embedded model in process, or a TokenSkip model served by vLLM / llama.cpp / this project's server.
IGenerationEngine engine;
ModelCard? card = null;
if (Arg("--tokenskip-endpoint") is { } reasonerEndpoint)
{
    engine = new OpenAICompatibleEngine(new Uri(reasonerEndpoint), Arg("--tokenskip-model") ?? "tokenskip", ModelFamily.Qwen2);
}
else
{
    var folder = Arg("--model") ?? DefaultModel.Require();
    card = ModelCard.TryLoad(folder);
    engine = LocalGenerationEngine.Load(folder);
}

var reasoner = new TokenSkipChatClient(engine, new TokenSkipChatClientOptions { ModelCard = card }).AsBuilder().UseTokenBudget().Build();
var reasoning = new ReasoningPlugin(reasoner);
AIFunction[] tools =
[
    AIFunctionFactory.Create(reasoning.ChooseCompressionRatio, "reasoning_choose_compression_ratio"),
    AIFunctionFactory.Create(reasoning.SolveAsync, "reasoning_solve"),
];

// The planner's tool loop; once the reasoning budget is (almost) spent, the next call ends the loop instead of running.
var plannerClient = planner.AsBuilder().UseFunctionInvocation(configure: invoker => invoker.FunctionInvoker = async (context, cancellationToken) =>
{
    if (TokenBudgetScope.Current is { Remaining: < 20 })
    {
        context.Terminate = true;
        return "The reasoning budget is spent: report what you have.";
    }

    return await context.Function.InvokeAsync(context.Arguments, cancellationToken);
}).Build();

const string Worksheet = """
    Work through this worksheet. For each problem, first call reasoning_choose_compression_ratio with the tokens left and
    the problems left, then call reasoning_solve with the problem and the max_output_tokens it suggested as budget.
    Report every answer, the compression ratio used and the tokens spent, then the total.
    1. A farmer has 17 cows and buys 8 more, then sells 5. How many cows does he have?
    2. Each box holds 6 pencils. How many pencils are in 9 boxes?
    3. Lena reads 12 pages a day. How many days does she need for a 96-page book?
    """;

var agent = new ChatClientAgent(plannerClient, instructions: "You plan multi-step work and delegate each reasoning step to the tools.",
    name: "planner", tools: tools);
using var run = TokenBudgetScope.Begin(budget);
var answer = await agent.RunAsync(Worksheet + $"\nThe reasoning budget is {budget} tokens.");
Console.WriteLine(answer.Text);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reasoning tokens used: {run.Ledger.Used} of {budget}"));
(engine as IDisposable)?.Dispose();
return 0;
