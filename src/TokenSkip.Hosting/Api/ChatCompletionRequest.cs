using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>The body of <c>POST /v1/chat/completions</c>: messages, the shared fields, and TokenSkip's γ and budget.</summary>
internal sealed class ChatCompletionRequest : CompletionRequestBase
{
    [JsonPropertyName("messages")]
    public IReadOnlyList<ChatRequestMessage?>? Messages { get; init; }

    /// <summary>TokenSkip: the compression ratio γ (0.5..1.0) to put into the prompt.</summary>
    [JsonPropertyName("compression_ratio")]
    public double? CompressionRatio { get; init; }

    /// <summary>TokenSkip: a completion token budget; caps the completion, and the planner picks γ when no ratio is given.</summary>
    [JsonPropertyName("token_budget")]
    public int? TokenBudget { get; init; }

    /// <summary>Functions the model may call (OpenAI's <c>tools</c>).</summary>
    [JsonPropertyName("tools")]
    public IReadOnlyList<ChatTool?>? Tools { get; init; }

    /// <summary><c>auto</c>, <c>none</c>, <c>required</c>, or <c>{"type": "function", "function": {"name": ...}}</c>.</summary>
    [JsonPropertyName("tool_choice")]
    public System.Text.Json.JsonElement? ToolChoice { get; init; }

    /// <summary>TokenSkip extension: the steps <c>token_budget</c> must still cover, this one included (default 1).</summary>
    [JsonPropertyName("token_budget_steps")]
    public int? TokenBudgetSteps { get; init; }
}
