using TokenSkip.Core.Calibration;

namespace TokenSkip.Core.Budgets;

/// <summary>
/// Fits the budget planner's length model on recorded steps and measures its error on held-out ones, per γ: the check
/// that its expected lengths are unbiased (mean signed error near zero) and how far off a single step may be.
/// </summary>
public static class LengthCalibration
{
    /// <summary>
    /// The card's length model measured on <paramref name="steps"/> (any γ, each CoT counted as its γ = 1 equivalent
    /// through the card's actual ratios, as the planner learns): a least-squares line of CoT tokens in question tokens,
    /// its residual spread, and the mean tokens after the CoT. Write it into the card (<see cref="ModelCard.LengthModel"/>)
    /// and a fresh planner predicts without bias from its first step.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than three steps.</exception>
    public static CotLengthCalibration Derive(ModelCard? card, IReadOnlyList<StepLength> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count < 3)
        {
            throw new ArgumentException($"a length model needs at least 3 steps; got {steps.Count}", nameof(steps));
        }

        var actual = card is { Calibration.Count: > 0 } ? card : null;
        var points = steps.Select(s => (Q: (double)s.QuestionTokens,
            Y: s.CotTokens / Math.Max(0.05, actual?.ActualRatioFor(new CompressionRatio(s.Gamma)) ?? s.Gamma))).ToArray();
        var meanQ = points.Average(p => p.Q);
        var meanY = points.Average(p => p.Y);
        var sxx = points.Sum(p => (p.Q - meanQ) * (p.Q - meanQ));
        var slope = sxx > 0 ? points.Sum(p => (p.Q - meanQ) * (p.Y - meanY)) / sxx : 0;
        var residual = points.Sum(p => Math.Pow(p.Y - meanY - slope * (p.Q - meanQ), 2));
        return new CotLengthCalibration(meanQ, meanY, slope, Math.Sqrt(residual / (points.Length - 2)),
            steps.Average(s => (double)(s.CompletionTokens - s.CotTokens)), steps.Count);
    }

    /// <summary>A planner for <paramref name="card"/>'s model that has learned from <paramref name="training"/>, as it would online.</summary>
    public static BudgetPlanner Fit(ModelCard? card, IEnumerable<StepLength> training, BudgetPlannerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(training);
        var planner = new BudgetPlanner(card, options);
        foreach (var step in training)
        {
            planner.Observe(new CompressionRatio(step.Gamma), step.CotTokens, step.QuestionTokens, step.CompletionTokens);
        }

        return planner;
    }

    /// <summary>The error of <paramref name="planner"/>'s expected completion tokens on <paramref name="heldOut"/>, one row per γ (largest first).</summary>
    public static IReadOnlyList<LengthErrorRow> Errors(BudgetPlanner planner, IEnumerable<StepLength> heldOut)
    {
        ArgumentNullException.ThrowIfNull(planner);
        ArgumentNullException.ThrowIfNull(heldOut);
        return heldOut.GroupBy(s => s.Gamma).OrderByDescending(g => g.Key).Select(g =>
        {
            var pairs = g.Select(s => (Actual: (double)s.CompletionTokens, Predicted: planner.Expect(new CompressionRatio(s.Gamma), s.QuestionTokens))).ToArray();
            return new LengthErrorRow(g.Key, pairs.Length, pairs.Average(p => p.Actual), pairs.Average(p => p.Predicted),
                pairs.Average(p => p.Predicted - p.Actual), pairs.Average(p => Math.Abs(p.Predicted - p.Actual)));
        }).ToArray();
    }
}
