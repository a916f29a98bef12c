using System.Globalization;
using System.Text;
using TokenSkip.Core;
using TokenSkip.Core.Budgets;

namespace TokenSkip.Plugins.Worksheets;

/// <summary>
/// Budget adherence on multi-step tasks: for each worksheet, the model first answers every problem at γ = 1.0 and at
/// γ = 0.5 without caps (its two costs); a budget is drawn uniformly between them; then the planner, fixed γ = 1.0
/// with per-step truncation, and fixed γ = 0.5 (uncapped) each run the worksheet within that budget.
/// </summary>
/// <remarks>
/// Decoding is greedy, so the uncapped γ = 0.5 run is the γ = 0.5 cost run itself and is not repeated. The planner is
/// the client's own (one per model, starting from the card's calibration); like in production it learns from every step
/// that finishes on its own, the cost runs included.
/// </remarks>
public sealed class BudgetBenchmark(WorksheetRunner runner)
{
    /// <summary>Runs every worksheet; reports each finished worksheet through <paramref name="onWorksheet"/>.</summary>
    /// <param name="worksheets">The workload.</param>
    /// <param name="seed">Seeds the budget draws.</param>
    /// <param name="onWorksheet">Called with (index, results of the three policies) after each worksheet.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public async Task<IReadOnlyList<BenchmarkSummary>> RunAsync(IReadOnlyList<IReadOnlyList<WorksheetProblem>> worksheets, int seed,
        Action<int, IReadOnlyList<WorksheetResult>>? onWorksheet = null, CancellationToken cancellationToken = default)
    {
        var random = new Random(seed);
        var planned = new PlannedPolicy();
        var truncated = new FixedRatioPolicy(CompressionRatio.Uncompressed, truncate: true);
        var full = new FixedRatioPolicy(CompressionRatio.Uncompressed, truncate: false);
        var half = new FixedRatioPolicy(new CompressionRatio(0.5), truncate: false);
        var results = new Dictionary<string, List<WorksheetResult>>
        {
            [planned.Name] = [], [truncated.Name] = [], [half.Name] = [],
        };
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
                halfRun with { Budget = budget },
            };
            foreach (var result in round)
            {
                results[result.Policy].Add(result);
            }

            onWorksheet?.Invoke(i, round);
        }

        return results.Select(r => BenchmarkSummary.Of(r.Key, r.Value)).ToArray();
    }

    /// <summary>The summaries as a Markdown table.</summary>
    public static string ToMarkdown(IReadOnlyList<BenchmarkSummary> summaries)
    {
        var text = new StringBuilder("| policy | worksheets | within budget | accuracy | mean tokens | mean budget | truncated steps |\n")
            .Append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (var s in summaries)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {s.Policy} | {s.Worksheets} | {s.WithinBudget:P1} | {s.Accuracy:P1} | {s.MeanTokens:0.0} | {s.MeanBudget:0.0} | {s.Truncated:P1} |\n");
        }

        return text.ToString();
    }
}
