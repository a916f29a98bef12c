using System.Text.Json.Serialization;

namespace TokenSkip.Cli.Infrastructure;

/// <summary>OpenAI-style token usage.</summary>
internal sealed record UsageJson(
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("completion_tokens")] int CompletionTokens);
