using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>A non-streamed chat completion (<c>"object": "chat.completion"</c>); TokenSkip's report fields sit at the top level.</summary>
internal sealed record ChatCompletion(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] IReadOnlyList<ChatChoice> Choices,
    [property: JsonPropertyName("usage")] CompletionUsage Usage,
    [property: JsonExtensionData] IDictionary<string, object>? TokenSkip)
{
    [JsonPropertyName("object")]
    public string Object => "chat.completion";
}
