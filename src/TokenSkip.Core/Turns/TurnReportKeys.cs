namespace TokenSkip.Core.Turns;

/// <summary>
/// The names TokenSkip reads from requests and writes into responses, the same through every door: top-level fields of
/// the server's requests and responses, keys of <c>ChatOptions.AdditionalProperties</c> / SK's <c>ExtensionData</c> and
/// <c>Metadata</c>.
/// </summary>
public static class TurnReportKeys
{
    /// <summary>γ: a number in [0.5, 1.0]. In a request, the ratio to use; in a response, the ratio used.</summary>
    public const string CompressionRatio = "compression_ratio";

    /// <summary>The completion-token budget of a request (a whole number ≥ 1); echoed in the response.</summary>
    public const string TokenBudget = "token_budget";

    /// <summary>
    /// The steps a <see cref="TokenBudget"/> must still cover, this one included (a whole number ≥ 1; default 1): the
    /// planner then leaves the later steps at least what the smallest γ needs.
    /// </summary>
    public const string BudgetSteps = "token_budget_steps";

    /// <summary>Response only: the completion limit a budget set for this turn (set when a budget was given).</summary>
    public const string MaxOutputTokens = "max_output_tokens";

    /// <summary>Response only: the planner's prediction, in tokens, for the γ it chose (set when γ was planned).</summary>
    public const string PredictedTokens = "predicted_tokens";

    /// <summary>Response only: the planner's explanation of its choice (set when γ was planned).</summary>
    public const string BudgetExplanation = "budget_explanation";

    /// <summary>Response only: true when no γ was predicted to fit and the planner fell back to the smallest γ with a hard cap.</summary>
    public const string BudgetFallback = "budget_fallback";

    /// <summary>Response only: true when a budget middleware answered without calling the model because nothing was left.</summary>
    public const string BudgetExhausted = "token_budget_exhausted";

    /// <summary>
    /// Response only: false when the request offered tools but they were not handed to the model (its card says it does
    /// not call tools, or <c>tool_choice</c> was <c>none</c>); true when they were.
    /// </summary>
    public const string ToolsOffered = "tools_offered";

    /// <summary>Response only: where the conversation's instructions (system messages) went in TokenSkip's prompt (<see cref="InstructionPlacement"/>).</summary>
    public const string Instructions = "instructions_placement";
}
