using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>
/// A tool call as OpenAI writes it: in an assistant message of a request, in a response message, or (with
/// <see cref="Index"/>) as a streamed delta. <c>function.arguments</c> is a JSON object encoded as a string.
/// </summary>
internal sealed record ChatToolCall
{
    [JsonPropertyName("index"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Index { get; init; }

    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("type")]
    public string Type { get; init; } = "function";

    [JsonPropertyName("function")]
    public ChatFunctionCall? Function { get; init; }
}
