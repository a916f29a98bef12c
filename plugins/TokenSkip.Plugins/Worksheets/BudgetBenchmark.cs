using System.Globalization;
using System.Text;
using TokenSkip.Core;
using TokenSkip.Core.Budgets;

namespace TokenSkip.Plugins.Worksheets;

/// <summary>
/// Budget adherence on multi-step tasks: for each worksheet, the model first answers every problem at γ = 1.0 and at
/// γ = 0.5 without caps (its two costs); a budget is drawn uniformly between them; then the planner, fixed γ = 1.0
/// with per-step truncation, and fixed γ = 0.5 (uncapped) each run the worksheet within that budget. With tight rows, a
/// second budget is drawn between 0.4× and 0.6× of the γ = 1.0 cost (often below even the γ = 0.5 cost) and the three
/// run again under it.
/// </summary>
/// <remarks>
/// Decoding is greedy, so the uncapped γ = 0.5 run is the γ = 0.5 cost run itself and is not repeated. The planner is
/// the client's own (one per model, starting from the card's calibration); like in production it learns from every step
/// that finishes on its own, the cost runs included.
/// </remarks>
public sealed class BudgetBenchmark(WorksheetRunner runner)
{
    /// <summary>The budget level drawn between the worksheet's γ = 0.5 and γ = 1.0 costs.</summary>
    public const string StandardBudgets = "γ=0.5 to γ=1.0 cost";

    /// <summary>The budget level drawn between 0.4× and 0.6× of the worksheet's γ = 1.0 cost.</summary>
    public const string TightBudgets = "0.4× to 0.6× γ=1.0 cost";

    /// <summary>Runs every worksheet; reports each finished worksheet through <paramref name="onWorksheet"/>.</summary>
    /// <param name="worksheets">The workload.</param>
    /// <param name="seed">Seeds the budget draws.</param>
    /// <param name="onWorksheet">
    /// Called after each worksheet with its index and the results of the three policies (then, with tight rows, the
    /// three under the tight budget).
    /// </param>
    /// <param name="tight">Also run every worksheet under a tight budget (<see cref="TightBudgets"/>).</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public async Task<IReadOnlyList<BenchmarkSummary>> RunAsync(IReadOnlyList<IReadOnlyList<WorksheetProblem>> worksheets, int seed,
        Action<int, IReadOnlyList<WorksheetResult>>? onWorksheet = null, bool tight = false, CancellationToken cancellationToken = default)
    {
        var random = new Random(seed);
        var tightRandom = new Random(seed + 1); // its own draws: the standard budgets stay those of a run without tight rows
        var planned = new PlannedPolicy();
        var truncated = new FixedRatioPolicy(CompressionRatio.Uncompressed, truncate: true);
        var full = new FixedRatioPolicy(CompressionRatio.Uncompressed, truncate: false);
        var half = new FixedRatioPolicy(new CompressionRatio(0.5), truncate: false);
        string[] policies = [planned.Name, truncated.Name, half.Name];
        var results = new Dictionary<(string Budgets, string Policy), List<WorksheetResult>>();
        for (var i = 0; i < worksheets.Count; i++)
        {
            var problems = worksheets[i];
            var fullCost = (await runner.RunAsync(problems, int.MaxValue, full, cancellationToken: cancellationToken).ConfigureAwait(false)).TokensUsed;
            var halfRun = await runner.RunAsync(problems, int.MaxValue, half, cancellationToken: cancellationToken).ConfigureAwait(false);
            var (low, high) = (Math.Min(halfRun.TokensUsed, fullCost), Math.Max(halfRun.TokensUsed, fullCost));
            var budget = random.Next(low, high + 1);

            var round = new List<WorksheetResult>
            {
                await runner.RunAsync(problems, budget, planned, cancellationToken: cancellationToken).ConfigureAwait(false),
                await runner.RunAsync(problems, budget, truncated, cancellationToken: cancellationToken).ConfigureAwait(false),
                Rebudget(halfRun, budget),
            };
            Add(StandardBudgets, round);
            if (tight)
            {
                var tightBudget = tightRandom.Next((int)(0.4 * fullCost), (int)(0.6 * fullCost) + 1);
                List<WorksheetResult> tightRound =
                [
                    await runner.RunAsync(problems, tightBudget, planned, cancellationToken: cancellationToken).ConfigureAwait(false),
                    await runner.RunAsync(problems, tightBudget, truncated, cancellationToken: cancellationToken).ConfigureAwait(false),
                    Rebudget(halfRun, tightBudget),
                ];
                Add(TightBudgets, tightRound);
                round.AddRange(tightRound);
            }

            onWorksheet?.Invoke(i, round);
        }

        void Add(string budgets, IEnumerable<WorksheetResult> round)
        {
            foreach (var result in round)
            {
                results.TryAdd((budgets, result.Policy), []);
                results[(budgets, result.Policy)].Add(result);
            }
        }

        return results.OrderBy(r => r.Key.Budgets == StandardBudgets ? 0 : 1).ThenBy(r => Array.IndexOf(policies, r.Key.Policy))
            .Select(r => BenchmarkSummary.Of(r.Key.Budgets, r.Key.Policy, r.Value)).ToArray();
    }

    // The uncapped γ = 0.5 run measured against another budget: what is left after each step follows the new budget.
    private static WorksheetResult Rebudget(WorksheetResult run, int budget)
    {
        var spent = 0;
        return run with
        {
            Budget = budget,
            Steps = [.. run.Steps.Select(s => s with { BudgetLeft = budget - (spent += s.TokensUsed) })],
        };
    }

    /// <summary>The summaries as a Markdown table.</summary>
    public static string ToMarkdown(IReadOnlyList<BenchmarkSummary> summaries)
    {
        var text = new StringBuilder("| budgets | policy | worksheets | within budget | accuracy | accuracy within budget | mean tokens | mean budget | truncated steps |\n")
            .Append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (var s in summaries)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {s.Budgets} | {s.Policy} | {s.Worksheets} | {s.WithinBudget:P1} | {s.Accuracy:P1} | {s.AccuracyWithinBudget:P1} | {s.MeanTokens:0.0} | {s.MeanBudget:0.0} | {s.Truncated:P1} |\n");
        }

        return text.ToString();
    }
}
