using System.Text.Json;
using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>One entry of a request's <c>tools</c>: <c>{"type": "function", "function": {name, description, parameters}}</c>.</summary>
internal sealed class ChatTool
{
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("function")]
    public ChatToolFunction? Function { get; init; }
}
