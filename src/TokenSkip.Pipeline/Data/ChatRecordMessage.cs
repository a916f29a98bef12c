using System.Text.Json.Serialization;

namespace TokenSkip.Pipeline.Data;

/// <summary>One turn of a <see cref="ChatRecord"/>.</summary>
/// <param name="Role">"system", "user" or "assistant".</param>
/// <param name="Content">The turn's text.</param>
public sealed record ChatRecordMessage(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("content")] string Content);
