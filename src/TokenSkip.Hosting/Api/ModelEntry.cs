using System.Text.Json.Serialization;
using TokenSkip.Core.Calibration;
using TokenSkip.Core.Prompts;

namespace TokenSkip.Hosting.Api;

/// <summary>
/// One served model (<c>"object": "model"</c>); <c>created</c> is when it was loaded. Like vLLM's entry it carries
/// <c>max_model_len</c> (the context each request gets), and, for a TokenSkip-trained model, its card under
/// <c>tokenskip</c>, and its prompt <c>family</c> (<c>qwen2</c> or <c>llama3</c>), so a remote connector or pipeline renders
/// prompts exactly as this server would without the model folder.
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

    /// <summary>The prompt family (<c>qwen2</c>, <c>llama3</c>): what a client needs to render TokenSkip's prompts itself.</summary>
    [JsonPropertyName("family")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Family { get; init; }

    /// <summary>The name of <paramref name="family"/> in <c>family</c>.</summary>
    public static string FamilyName(ModelFamily family) => family.ToString().ToLowerInvariant();
}
