using TokenSkip.Core;

namespace TokenSkip.Plugins.Worksheets;

/// <summary>
/// How a policy wants one worksheet step run: a fixed γ with a cap, or the worksheet's remaining budget (and steps) for
/// the client's turn policy to plan γ from, with its shared planner.
/// </summary>
/// <param name="Ratio">A fixed γ for the step, or null to let the turn policy plan it from <paramref name="TokenBudget"/>.</param>
/// <param name="MaxOutputTokens">The step's output cap (0: the step is skipped, nothing being left).</param>
/// <param name="TokenBudget">The tokens left for the worksheet, when the turn policy plans γ.</param>
/// <param name="BudgetSteps">The steps that budget must still cover, this one included.</param>
/// <param name="Explanation">Why, in one sentence (a planned step takes the planner's own explanation).</param>
public sealed record StepPlan(CompressionRatio? Ratio, int MaxOutputTokens, int? TokenBudget = null, int BudgetSteps = 1, string? Explanation = null);
