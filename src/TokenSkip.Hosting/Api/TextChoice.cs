using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>The choice of a text completion (or of one streamed event): text, the finish reason once known, and log-probabilities when asked for.</summary>
internal sealed record TextChoice(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("finish_reason")] string? FinishReason,
    [property: JsonPropertyName("logprobs")] TextLogprobs? Logprobs = null)
{
    [JsonPropertyName("index")]
    public int Index => 0;
}
