using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>OpenAI's <c>usage</c> object.</summary>
internal sealed record CompletionUsage(
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("completion_tokens")] int CompletionTokens,
    [property: JsonPropertyName("total_tokens")] int TotalTokens);
