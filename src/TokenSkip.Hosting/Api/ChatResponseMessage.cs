using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>The assistant's message in a chat completion.</summary>
internal sealed record ChatResponseMessage([property: JsonPropertyName("content")] string Content)
{
    [JsonPropertyName("role")]
    public string Role => "assistant";
}
