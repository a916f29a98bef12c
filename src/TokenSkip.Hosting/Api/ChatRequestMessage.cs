using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>One message of a chat request; <c>content</c> is a string or an array of text parts (joined with newlines).</summary>
internal sealed class ChatRequestMessage
{
    [JsonPropertyName("role")]
    public string? Role { get; init; }

    [JsonPropertyName("content")]
    [JsonConverter(typeof(MessageContentConverter))]
    public string? Content { get; init; }

    /// <summary>An assistant message's tool calls.</summary>
    [JsonPropertyName("tool_calls")]
    public IReadOnlyList<ChatToolCall?>? ToolCalls { get; init; }

    /// <summary>A tool message's answer to this call id.</summary>
    [JsonPropertyName("tool_call_id")]
    public string? ToolCallId { get; init; }
}
