using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary><c>stream_options</c>: with <c>include_usage</c>, a last chunk carries the token usage.</summary>
internal sealed class ChatStreamOptions
{
    [JsonPropertyName("include_usage")]
    public bool? IncludeUsage { get; init; }
}
