using TokenSkip.Core.Budgets;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;

namespace TokenSkip.Core.Turns;

/// <summary>
/// What the policy decided for a turn: the prompt to generate from, how to decode, and the report for the response.
/// Hand it back to <see cref="TurnPolicy.Complete"/> with the finished completion so the planner learns.
/// </summary>
public sealed record TurnPlan
{
    /// <summary>
    /// The rendered prompt, message content marked with <see cref="Text.MessageContent"/> so the tokenizer keeps it plain
    /// text; <see cref="Text.MessageContent.Unmark"/> gives the text to show or to send to another server.
    /// </summary>
    public required string Prompt { get; init; }

    /// <summary>γ of a TokenSkip prompt, or null when the family's plain chat template was used.</summary>
    public CompressionRatio? Ratio { get; init; }

    /// <summary>
    /// Decoding options: sampling, seed, stop strings (the template's end-of-turn texts included) and
    /// <see cref="GenerationOptions.MaxNewTokens"/> = <see cref="MaxOutputTokens"/>. A door that knows the prompt's length
    /// clips it to the context with <see cref="TurnPolicy.FitToContext"/>.
    /// </summary>
    public required GenerationOptions Options { get; init; }

    /// <summary>The completion limit: the caller's, capped by a budget; the policy's default when neither is set.</summary>
    public required int MaxOutputTokens { get; init; }

    /// <summary>The caller's own limit (<c>max_tokens</c>), or null; a limit the context cannot hold is refused.</summary>
    public int? RequestedMaxOutputTokens { get; init; }

    /// <summary>True when the caller or a budget set the limit (a remote door sends <c>max_tokens</c> only then).</summary>
    public bool MaxOutputTokensRequested { get; init; }

    /// <summary>The tools handed to the model (empty when none were offered); its output is scanned for calls when any were.</summary>
    public IReadOnlyList<ToolDefinition> OfferedTools { get; init; } = [];

    /// <summary>
    /// The opening of the model's reply that the prompt already ends with (empty unless <c>tool_choice</c> required a
    /// call): <c>required</c> prefills the start of a native tool call and a named function the call up to its
    /// arguments, so the model's output continues a call. A door reads calls from this text followed by the output.
    /// </summary>
    public string AssistantPrefix { get; init; } = string.Empty;

    /// <summary>
    /// True when the request offered tools but the card says the model does not call tools, so none were handed to it;
    /// every door logs <see cref="TurnPolicy.ToolsWithheldMessage"/> then.
    /// </summary>
    public bool ToolsWithheld { get; init; }

    /// <summary>The last user message: the question a budget is planned for and the planner learns from.</summary>
    public string Question { get; init; } = string.Empty;

    /// <summary>The planner's decision when it chose γ, else null.</summary>
    public BudgetDecision? Decision { get; init; }

    /// <summary>The report for the response, under <see cref="TurnReportKeys"/> names (empty for a plain chat turn).</summary>
    public IReadOnlyDictionary<string, object> Report { get; init; } = new Dictionary<string, object>();
}
