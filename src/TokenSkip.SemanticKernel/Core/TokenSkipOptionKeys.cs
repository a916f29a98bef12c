using TokenSkip.Core.Turns;

namespace TokenSkip.SemanticKernel;

/// <summary>
/// The keys TokenSkip reads from <c>ChatOptions.AdditionalProperties</c> (and, through Semantic Kernel, from
/// <c>PromptExecutionSettings.ExtensionData</c>) and writes into responses' <c>AdditionalProperties</c>: the names of
/// <see cref="TurnReportKeys"/>, the one home of these names, which the server uses as JSON fields.
/// </summary>
public static class TokenSkipOptionKeys
{
    /// <summary>The compression ratio γ for a call: a number in [0.5, 1.0] (double, int, decimal or invariant-culture string).</summary>
    public const string CompressionRatio = TurnReportKeys.CompressionRatio;

    /// <summary>The completion-token budget for a call: a whole number of tokens, at least 1.</summary>
    public const string TokenBudget = TurnReportKeys.TokenBudget;

    /// <summary>The steps the budget must still cover, this one included (whole number ≥ 1; default 1).</summary>
    public const string BudgetSteps = TurnReportKeys.BudgetSteps;

    /// <summary>Response only: the completion limit a budget set for the call.</summary>
    public const string MaxOutputTokens = TurnReportKeys.MaxOutputTokens;

    /// <summary>Response only: the planner's prediction, in tokens, for the γ it chose (set when γ was planned).</summary>
    public const string PredictedTokens = TurnReportKeys.PredictedTokens;

    /// <summary>Response only: the planner's explanation of its choice (set when γ was planned).</summary>
    public const string BudgetExplanation = TurnReportKeys.BudgetExplanation;

    /// <summary>Response only: true when the planner found no γ that fits and fell back to γ = 0.5 with a hard cap.</summary>
    public const string BudgetFallback = TurnReportKeys.BudgetFallback;

    /// <summary>Response only: true when a budget middleware answered without calling the model because nothing was left.</summary>
    public const string BudgetExhausted = TurnReportKeys.BudgetExhausted;

    /// <summary>Response only: false when the call offered tools the model was not handed (its card says it does not call tools).</summary>
    public const string ToolsOffered = TurnReportKeys.ToolsOffered;

    /// <summary>Response only: where instructions went in TokenSkip's prompt (<see cref="InstructionPlacements"/> names).</summary>
    public const string InstructionsPlacement = TurnReportKeys.Instructions;
}
