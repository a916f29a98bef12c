using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>The assistant's message in a chat completion.</summary>
internal sealed record ChatResponseMessage([property: JsonPropertyName("content")] string? Content)
{
    /// <summary>The calls the model made (null when it made none).</summary>
    [JsonPropertyName("tool_calls"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ChatToolCall>? ToolCalls { get; init; }

    [JsonPropertyName("role")]
    public string Role => "assistant";
}
