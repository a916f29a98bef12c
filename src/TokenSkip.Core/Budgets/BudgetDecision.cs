namespace TokenSkip.Core.Budgets;

/// <summary>What <see cref="BudgetPlanner.Plan(int, int, string)"/> chose for one reasoning step.</summary>
/// <param name="Ratio">The compression ratio γ to put into the step's prompt.</param>
/// <param name="PredictedTokens">The completion tokens the step is predicted to use at <paramref name="Ratio"/> (CoT plus answer line).</param>
/// <param name="MaxOutputTokens">
/// The hard cap to generate under: what is left less every later step's γ = 0.5 prediction, but not below the step's
/// allowance (its expected length plus <see cref="BudgetPlannerOptions.CapDeviations"/> spreads) unless less than that is
/// left. 0 when nothing fits and the step is expected to need more than is left while later steps remain: it is
/// skipped. Null only when there is nothing to cap (an unlimited budget).
/// </param>
/// <param name="FitsBudget">True when the prediction at <paramref name="Ratio"/> fits the step's share; false on the fallback.</param>
/// <param name="Explanation">One sentence saying why, with the numbers (for logs, tools and people).</param>
public sealed record BudgetDecision(CompressionRatio Ratio, int PredictedTokens, int? MaxOutputTokens, bool FitsBudget, string Explanation);
