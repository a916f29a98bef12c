using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>What a chat event adds: the role (first event only) and text; the last event's delta is empty.</summary>
internal sealed record ChatDelta(
    [property: JsonPropertyName("role"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role,
    [property: JsonPropertyName("content"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content)
{
    /// <summary>A streamed tool call (with its <c>index</c>), as vLLM sends one whole call per delta.</summary>
    [JsonPropertyName("tool_calls"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ChatToolCall>? ToolCalls { get; init; }
}
