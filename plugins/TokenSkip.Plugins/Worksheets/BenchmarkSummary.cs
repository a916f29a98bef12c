using System.Text.Json.Serialization;

namespace TokenSkip.Plugins.Worksheets;

/// <summary>One policy's figures over a benchmark's worksheets at one budget level.</summary>
/// <param name="Budgets">How the budgets were drawn (<see cref="BudgetBenchmark.StandardBudgets"/> or <see cref="BudgetBenchmark.TightBudgets"/>).</param>
/// <param name="Policy">The policy's name.</param>
/// <param name="Worksheets">Worksheets run.</param>
/// <param name="WithinBudget">Fraction of worksheets whose tokens stayed within budget.</param>
/// <param name="Accuracy">Fraction of problems answered correctly.</param>
/// <param name="AccuracyWithinBudget">
/// Fraction of problems answered correctly by a step that ended within the budget (an answer bought with tokens past the
/// budget does not count); equal to <paramref name="Accuracy"/> for a policy that never overruns.
/// </param>
/// <param name="MeanTokens">Mean completion tokens per worksheet.</param>
/// <param name="MeanBudget">Mean budget per worksheet.</param>
/// <param name="Truncated">Fraction of steps cut off by their cap.</param>
public sealed record BenchmarkSummary(
    [property: JsonPropertyName("budgets")] string Budgets,
    [property: JsonPropertyName("policy")] string Policy,
    [property: JsonPropertyName("worksheets")] int Worksheets,
    [property: JsonPropertyName("within_budget")] double WithinBudget,
    [property: JsonPropertyName("accuracy")] double Accuracy,
    [property: JsonPropertyName("accuracy_within_budget")] double AccuracyWithinBudget,
    [property: JsonPropertyName("mean_tokens")] double MeanTokens,
    [property: JsonPropertyName("mean_budget")] double MeanBudget,
    [property: JsonPropertyName("truncated")] double Truncated)
{
    /// <summary>Summarises <paramref name="results"/> (all of one policy at one budget level).</summary>
    public static BenchmarkSummary Of(string budgets, string policy, IReadOnlyList<WorksheetResult> results)
    {
        var steps = results.SelectMany(r => r.Steps).ToArray();
        var count = Math.Max(1, results.Count);
        return new BenchmarkSummary(
            budgets,
            policy,
            results.Count,
            (double)results.Count(r => r.WithinBudget) / count,
            (double)steps.Count(s => s.Correct) / Math.Max(1, steps.Length),
            (double)steps.Count(s => s.Correct && s.BudgetLeft >= 0) / Math.Max(1, steps.Length),
            results.Sum(r => (double)r.TokensUsed) / count,
            results.Sum(r => (double)r.Budget) / count,
            (double)steps.Count(s => s.Truncated) / Math.Max(1, steps.Length));
    }
}
