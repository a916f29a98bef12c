namespace TokenSkip.SemanticKernel;

/// <summary>
/// The keys TokenSkip reads from <c>ChatOptions.AdditionalProperties</c> (and, through Semantic Kernel, from
/// <c>PromptExecutionSettings.ExtensionData</c>) and writes into responses' <c>AdditionalProperties</c>.
/// </summary>
public static class TokenSkipOptionKeys
{
    /// <summary>The compression ratio γ for a call: a number in [0.5, 1.0] (double, int, decimal or invariant-culture string).</summary>
    public const string CompressionRatio = "compression_ratio";

    /// <summary>The completion-token budget for a call: a whole number of tokens, at least 1.</summary>
    public const string TokenBudget = "token_budget";

    /// <summary>Response only: the planner's prediction, in tokens, for the γ it chose (set when γ was planned).</summary>
    public const string PredictedTokens = "predicted_tokens";

    /// <summary>Response only: the planner's explanation of its choice (set when γ was planned).</summary>
    public const string BudgetExplanation = "budget_explanation";

    /// <summary>Response only: true when the planner found no γ that fits and fell back to γ = 0.5 with a hard cap.</summary>
    public const string BudgetFallback = "budget_fallback";

    /// <summary>Response only: true when a budget middleware answered without calling the model because nothing was left.</summary>
    public const string BudgetExhausted = "token_budget_exhausted";
}
