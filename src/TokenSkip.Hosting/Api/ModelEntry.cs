using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>One served model (<c>"object": "model"</c>); <c>created</c> is when it was loaded.</summary>
internal sealed record ModelEntry(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("created")] long Created)
{
    [JsonPropertyName("object")]
    public string Object => "model";

    [JsonPropertyName("owned_by")]
    public string OwnedBy => "tokenskip";
}
