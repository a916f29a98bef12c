using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>The choice of a streamed chat event: a delta, and the finish reason on the last one (null before).</summary>
internal sealed record ChatChunkChoice(
    [property: JsonPropertyName("delta")] ChatDelta Delta,
    [property: JsonPropertyName("finish_reason")] string? FinishReason)
{
    [JsonPropertyName("index")]
    public int Index => 0;

    [JsonPropertyName("logprobs")]
    public object? Logprobs => null;
}
