using System.Text.Json.Serialization;
using TokenSkip.Core.Calibration;

namespace TokenSkip.Hosting.Api;

/// <summary>
/// One served model (<c>"object": "model"</c>); <c>created</c> is when it was loaded. Like vLLM's entry it carries
/// <c>max_model_len</c> (the context each request gets), and, for a TokenSkip-trained model, its card under
/// <c>tokenskip</c> so a remote connector renders prompts exactly as this server would.
/// </summary>
internal sealed record ModelEntry(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("max_model_len")] int MaxModelLength,
    [property: JsonPropertyName("tokenskip"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ModelCard? Card)
{
    [JsonPropertyName("object")]
    public string Object => "model";

    [JsonPropertyName("owned_by")]
    public string OwnedBy => "tokenskip";
}
