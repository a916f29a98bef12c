using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>OpenAI's error body: <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
internal sealed record ApiError([property: JsonPropertyName("error")] ApiErrorDetail Error);
