using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>The inside of an <see cref="ApiError"/>; <c>param</c> and <c>code</c> are written as null when absent, as OpenAI does.</summary>
internal sealed record ApiErrorDetail(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("code")] string? Code);
