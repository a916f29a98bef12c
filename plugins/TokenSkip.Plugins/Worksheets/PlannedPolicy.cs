using TokenSkip.Core;
using TokenSkip.Core.Budgets;

namespace TokenSkip.Plugins.Worksheets;

/// <summary>The budget planner's policy: the largest γ predicted to fit each step's share, with its hard cap; learns online.</summary>
public sealed class PlannedPolicy(BudgetPlanner planner) : IWorksheetPolicy
{
    /// <inheritdoc />
    public string Name => "planner";

    /// <inheritdoc />
    public StepPlan Plan(int remainingTokens, int stepsLeft, string question, int defaultMaxTokens)
    {
        var decision = planner.Plan(remainingTokens, stepsLeft, question);
        var cap = Math.Min(decision.MaxOutputTokens ?? remainingTokens, remainingTokens);
        return new StepPlan(decision.Ratio, cap, decision.FitsBudget, decision.Explanation);
    }

    /// <inheritdoc />
    public void Observe(CompressionRatio ratio, int cotTokens, int completionTokens, string question) =>
        planner.Observe(ratio, cotTokens, question, completionTokens);
}
