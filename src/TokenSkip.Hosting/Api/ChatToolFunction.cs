using System.Text.Json;
using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>A function a request offers: its name, description and JSON-schema parameters.</summary>
internal sealed class ChatToolFunction
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    [JsonPropertyName("parameters")]
    public JsonElement? Parameters { get; init; }
}
