namespace TokenSkip.Plugins.Worksheets;

/// <summary>
/// Decides how each step of a budgeted worksheet is asked for: a fixed γ and cap, or a budget the client's turn policy
/// plans γ for. Learning is the turn policy's business: every step that finishes on its own teaches the planner of the
/// model, whichever policy asked for it.
/// </summary>
public interface IWorksheetPolicy
{
    /// <summary>A short name for reports ("planner", "fixed γ=1.0 + truncation").</summary>
    string Name { get; }

    /// <summary>Plans the next step.</summary>
    /// <param name="remainingTokens">Tokens left for the worksheet.</param>
    /// <param name="stepsLeft">Steps left, this one included.</param>
    /// <param name="defaultMaxTokens">The cap a step gets when the policy sets none.</param>
    StepPlan Plan(int remainingTokens, int stepsLeft, int defaultMaxTokens);
}
