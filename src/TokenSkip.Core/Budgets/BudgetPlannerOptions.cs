namespace TokenSkip.Core.Budgets;

/// <summary>
/// How a <see cref="BudgetPlanner"/> predicts and decides. Defaults suit TokenSkip's GSM8K-style models; every value
/// is checked by <see cref="Validate"/>.
/// </summary>
public sealed class BudgetPlannerOptions
{
    /// <summary>The ratios to choose from; null means the model card's trained ratios (or TokenSkip's six).</summary>
    public IReadOnlyList<CompressionRatio>? Ratios { get; set; }

    /// <summary>The prior mean of a γ = 1 CoT when the card has no γ = 1 calibration. Default 300 tokens.</summary>
    public double DefaultCotTokens { get; set; } = 300;

    /// <summary>
    /// The prior for the tokens a step spends after its CoT (answer line and stop token) when the card has no
    /// <c>length_model</c> (which says it). Default 20.
    /// </summary>
    public double AnswerTokens { get; set; } = 20;

    /// <summary>How many observations the card's prior is worth; larger values learn more slowly. Default 3.</summary>
    public double PriorWeight { get; set; } = 3;

    /// <summary>The prior spread of γ = 1 CoT lengths, as a fraction of their mean, when the card has no <c>length_model</c>. Default 0.25.</summary>
    public double PriorRelativeSpread { get; set; } = 0.25;

    /// <summary>
    /// How many standard deviations above the mean a prediction is placed, so that a step rarely outruns it.
    /// Default 1 (about the 84th percentile).
    /// </summary>
    public double SafetyDeviations { get; set; } = 1.0;

    /// <summary>
    /// How many standard deviations above the expected length a step's hard cap sits at least (budget permitting), so
    /// that a step is cut only when it runs far past its prediction (a runaway) or the budget runs out. Default 3.
    /// </summary>
    public double CapDeviations { get; set; } = 3.0;

    /// <summary>
    /// Counts a question's tokens for <see cref="BudgetPlanner.Plan(int, int, string)"/>; null uses a rough estimate
    /// (one token per four characters). Pass the model's tokenizer for better predictions.
    /// </summary>
    public Func<string, int>? CountTokens { get; set; }

    /// <summary>A copy of these options.</summary>
    public BudgetPlannerOptions Clone() => (BudgetPlannerOptions)MemberwiseClone();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid value.</summary>
    public BudgetPlannerOptions Validate()
    {
        Require(double.IsFinite(DefaultCotTokens) && DefaultCotTokens > 0, nameof(DefaultCotTokens), "must be > 0");
        Require(double.IsFinite(AnswerTokens) && AnswerTokens >= 0, nameof(AnswerTokens), "must be >= 0");
        Require(double.IsFinite(PriorWeight) && PriorWeight > 0, nameof(PriorWeight), "must be > 0");
        Require(double.IsFinite(PriorRelativeSpread) && PriorRelativeSpread >= 0, nameof(PriorRelativeSpread), "must be >= 0");
        Require(double.IsFinite(SafetyDeviations) && SafetyDeviations >= 0, nameof(SafetyDeviations), "must be >= 0");
        Require(double.IsFinite(CapDeviations) && CapDeviations >= 0, nameof(CapDeviations), "must be >= 0");
        Require(Ratios is null || Ratios.Count > 0, nameof(Ratios), "must not be empty");
        return this;
    }

    private static void Require(bool condition, string name, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"BudgetPlannerOptions.{name} {rule}.", name);
        }
    }
}
