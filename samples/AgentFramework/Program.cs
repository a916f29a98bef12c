// Microsoft Agent Framework sample: a ChatClientAgent over the TokenSkip pipeline, with instructions, a per-run token
// budget (TokenBudgetScope, charged by the pipeline's budget middleware) and γ planned per step from what is left.
//   dotnet run --project samples/AgentFramework -- [--model DIR] [--problems 3] [--budget 400]
using System.Globalization;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using TokenSkip.Models;
using TokenSkip.Pipeline.Synthetic;
using TokenSkip.SemanticKernel;

string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
var folder = Arg("--model") ?? DefaultModel.Require();
var problems = int.Parse(Arg("--problems") ?? "3", CultureInfo.InvariantCulture);
var budget = int.Parse(Arg("--budget") ?? "400", CultureInfo.InvariantCulture);

var services = new ServiceCollection();
services.AddTokenSkipChatClient(modelPath: folder);
await using var provider = services.BuildServiceProvider();
var agent = new ChatClientAgent(provider.GetRequiredService<IChatClient>(),
    instructions: "You are a careful math tutor. Solve the problem and give the final answer.", name: "tutor");

// One ledger for the whole run: every model call the agent makes is charged to it and capped by what is left.
using var run = TokenBudgetScope.Begin(budget);
var worksheet = WordProblemGenerator.Generate(seed: 424_242, count: problems).ToList();
for (var i = 0; i < worksheet.Count; i++)
{
    var problem = worksheet[i];
    var response = await agent.RunAsync(problem.Question, options: new ChatClientAgentRunOptions(new ChatOptions
    {
        // The turn policy plans γ for this step from what is left of the run, spread over the steps still to come.
        AdditionalProperties = new()
        {
            [TokenSkipOptionKeys.TokenBudget] = Math.Max(1, run.Ledger.Remaining),
            [TokenSkipOptionKeys.BudgetSteps] = worksheet.Count - i,
        },
    }));
    var report = response.Messages.LastOrDefault()?.AdditionalProperties ?? response.AdditionalProperties;
    Console.WriteLine($"Q{i + 1}: {problem.Question}");
    Console.WriteLine($"    γ {report?[TokenSkipOptionKeys.CompressionRatio]}, {response.Usage?.OutputTokenCount} tokens, " +
        $"budget left {run.Ledger.Remaining}; instructions: {report?.GetValueOrDefault(TokenSkipOptionKeys.InstructionsPlacement) ?? "in the prompt"}");
    Console.WriteLine($"    answer {TokenSkip.Core.Answers.AnswerExtractor.Extract(response.Text)?.Text ?? "-"} (expected {problem.Answer})");
}
