using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>A text completion or one of its streamed events (<c>"object": "text_completion"</c> for both, as OpenAI sends).</summary>
internal sealed record TextCompletion(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] IReadOnlyList<TextChoice> Choices,
    [property: JsonPropertyName("usage"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CompletionUsage? Usage)
{
    [JsonPropertyName("object")]
    public string Object => "text_completion";
}
