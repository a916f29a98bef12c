using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>A non-streamed chat completion (<c>"object": "chat.completion"</c>); TokenSkip's report fields sit at the top level.</summary>
internal sealed record ChatCompletion(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] IReadOnlyList<ChatChoice> Choices,
    [property: JsonPropertyName("usage")] CompletionUsage Usage)
{
    /// <summary>TokenSkip's report (<c>compression_ratio</c>, budget fields), written as top-level properties.</summary>
    [JsonExtensionData]
    public IDictionary<string, object>? TokenSkip { get; init; }

    [JsonPropertyName("object")]
    public string Object => "chat.completion";
}
