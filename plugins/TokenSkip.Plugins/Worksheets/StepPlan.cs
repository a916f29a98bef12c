using TokenSkip.Core;

namespace TokenSkip.Plugins.Worksheets;

/// <summary>How one worksheet step is run: at which γ and under which output cap.</summary>
/// <param name="Ratio">The γ for the step's prompt.</param>
/// <param name="MaxOutputTokens">The step's output cap (0: the step is skipped, nothing being left).</param>
/// <param name="FitsBudget">False when the policy knows the step is unlikely to fit (the planner's fallback).</param>
/// <param name="Explanation">Why, in one sentence.</param>
public sealed record StepPlan(CompressionRatio Ratio, int MaxOutputTokens, bool FitsBudget, string Explanation);
