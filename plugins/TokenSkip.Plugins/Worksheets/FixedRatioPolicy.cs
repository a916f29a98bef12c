using System.Globalization;
using TokenSkip.Core;

namespace TokenSkip.Plugins.Worksheets;

/// <summary>
/// A baseline: the same γ for every step. With <c>truncate</c>, each step is capped at an even share of what is left
/// (TokenSkip's truncation baseline, per step); without, steps get the default cap and may overrun the budget.
/// </summary>
public sealed class FixedRatioPolicy(CompressionRatio ratio, bool truncate) : IWorksheetPolicy
{
    /// <inheritdoc />
    public string Name => string.Create(CultureInfo.InvariantCulture, $"fixed γ={ratio}{(truncate ? " + truncation" : string.Empty)}");

    /// <inheritdoc />
    public StepPlan Plan(int remainingTokens, int stepsLeft, int defaultMaxTokens)
    {
        var cap = truncate ? Math.Min(defaultMaxTokens, remainingTokens / stepsLeft) : defaultMaxTokens;
        return new StepPlan(ratio, cap, Explanation: string.Create(CultureInfo.InvariantCulture, $"fixed γ={ratio}, cap {cap}."));
    }
}
