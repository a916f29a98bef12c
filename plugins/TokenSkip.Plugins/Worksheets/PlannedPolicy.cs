namespace TokenSkip.Plugins.Worksheets;

/// <summary>
/// The budget planner's policy: each step sends the worksheet's remaining budget and steps, and the client's turn policy
/// picks the largest γ predicted to fit the step's share, with its hard cap (one planner per model, learning online).
/// </summary>
public sealed class PlannedPolicy : IWorksheetPolicy
{
    /// <inheritdoc />
    public string Name => "planner";

    /// <inheritdoc />
    public StepPlan Plan(int remainingTokens, int stepsLeft, int defaultMaxTokens) =>
        new(null, Math.Min(defaultMaxTokens, Math.Max(0, remainingTokens)), Math.Max(1, remainingTokens), stepsLeft);
}
