using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>The choice of a text completion (or of one streamed event): text, and the finish reason once known.</summary>
internal sealed record TextChoice(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("finish_reason")] string? FinishReason)
{
    [JsonPropertyName("index")]
    public int Index => 0;

    [JsonPropertyName("logprobs")]
    public object? Logprobs => null;
}
