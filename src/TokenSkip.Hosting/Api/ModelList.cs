using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>The body of <c>GET /v1/models</c>.</summary>
internal sealed record ModelList([property: JsonPropertyName("data")] IReadOnlyList<ModelEntry> Data)
{
    [JsonPropertyName("object")]
    public string Object => "list";
}
