using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>The one choice of a chat completion.</summary>
internal sealed record ChatChoice(
    [property: JsonPropertyName("message")] ChatResponseMessage Message,
    [property: JsonPropertyName("finish_reason")] string FinishReason)
{
    [JsonPropertyName("index")]
    public int Index => 0;

    [JsonPropertyName("logprobs")]
    public object? Logprobs => null;
}
