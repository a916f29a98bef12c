using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>One streamed chat event (<c>"object": "chat.completion.chunk"</c>); the usage chunk has no choices.</summary>
internal sealed record ChatCompletionChunk(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] IReadOnlyList<ChatChunkChoice> Choices,
    [property: JsonPropertyName("usage"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CompletionUsage? Usage)
{
    /// <summary>TokenSkip's report (<c>compression_ratio</c>, budget fields), written as top-level properties.</summary>
    [JsonExtensionData]
    public IDictionary<string, object>? TokenSkip { get; init; }

    [JsonPropertyName("object")]
    public string Object => "chat.completion.chunk";
}
