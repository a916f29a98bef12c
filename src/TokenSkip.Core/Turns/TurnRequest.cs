using TokenSkip.Core.Prompts;

namespace TokenSkip.Core.Turns;

/// <summary>One turn as a door receives it: the conversation, TokenSkip's knobs (raw, validated by the policy) and sampling.</summary>
public sealed record TurnRequest
{
    /// <summary>The conversation (system, user, assistant, tool messages), content as the caller wrote it.</summary>
    public required IReadOnlyList<PromptMessage> Messages { get; init; }

    /// <summary>An agent's instructions (MEAI's <c>ChatOptions.Instructions</c>), placed like a leading system message.</summary>
    public string? Instructions { get; init; }

    /// <summary>The requested γ, or null for the model's default; checked to lie in [0.5, 1.0].</summary>
    public double? CompressionRatio { get; init; }

    /// <summary>The completion-token budget, or null; a budget without γ lets the planner choose γ.</summary>
    public int? TokenBudget { get; init; }

    /// <summary>The steps <see cref="TokenBudget"/> must still cover, this one included; default 1.</summary>
    public int BudgetSteps { get; init; } = 1;

    /// <summary>Functions the model may call, in its family's native tool format; null or empty offers none.</summary>
    public IReadOnlyList<ToolDefinition>? Tools { get; init; }

    /// <summary>
    /// OpenAI's <c>tool_choice</c>: <c>auto</c> (the default: the model may call a tool or answer), <c>none</c> (tools
    /// are not offered), <c>required</c> (the reply is prefilled with the opening of a call, so the model must call one of
    /// the tools), or a function's name (only that function is offered and the reply is prefilled with a call of it up to
    /// its arguments). See <see cref="TurnPlan.AssistantPrefix"/>.
    /// </summary>
    public string? ToolChoice { get; init; }

    /// <summary>Sampling and length settings.</summary>
    public TurnSampling Sampling { get; init; } = new();
}
