using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>The function part of a <see cref="ChatToolCall"/>: its name and its arguments as a JSON string.</summary>
internal sealed record ChatFunctionCall(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("arguments")] string? Arguments);
