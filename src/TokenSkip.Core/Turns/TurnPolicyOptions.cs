using TokenSkip.Core.Budgets;

namespace TokenSkip.Core.Turns;

/// <summary>A door's settings for <see cref="TurnPolicy"/>; everything else comes from the model card.</summary>
public sealed class TurnPolicyOptions
{
    /// <summary>
    /// γ for turns that name none, overriding the card's <c>default_ratio</c>. Null (the default) uses the card's, or 1.0.
    /// Setting it also makes a model without a card answer with TokenSkip's prompt.
    /// </summary>
    public CompressionRatio? DefaultCompressionRatio { get; set; }

    /// <summary>The completion limit when a turn sets none (clipped to the context left). Default 512, as TokenSkip evaluates GSM8K.</summary>
    public int DefaultMaxOutputTokens { get; set; } = 512;

    /// <summary>Where instructions go in TokenSkip's prompt, overriding the card's <c>instructions</c>; null uses the card's.</summary>
    public InstructionPlacement? InstructionPlacement { get; set; }

    /// <summary>The planner for budget-only turns; null shares the one planner of the engine's model (see <see cref="TurnPolicy.For(Engine.IGenerationEngine, TurnPolicyOptions?)"/>).</summary>
    public BudgetPlanner? Planner { get; set; }

    /// <summary>When true (the default) every turn that finishes on its own teaches the planner its CoT length.</summary>
    public bool ObserveCompletions { get; set; } = true;

    /// <summary>A copy of these options.</summary>
    public TurnPolicyOptions Clone() => (TurnPolicyOptions)MemberwiseClone();

    /// <summary>Checks the options; the exception names the option.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public TurnPolicyOptions Validate() => DefaultMaxOutputTokens >= 1 ? this
        : throw new ArgumentException($"DefaultMaxOutputTokens must be at least 1; got {DefaultMaxOutputTokens}.", nameof(DefaultMaxOutputTokens));
}
