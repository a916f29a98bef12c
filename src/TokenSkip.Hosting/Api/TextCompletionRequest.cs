using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>
/// The body of <c>POST /v1/completions</c>: a prompt already rendered by the caller (a string, or token ids), which is
/// how remote TokenSkip connectors send γ exactly as the model was trained on it.
/// </summary>
internal sealed class TextCompletionRequest : CompletionRequestBase
{
    [JsonPropertyName("prompt")]
    [JsonConverter(typeof(PromptConverter))]
    public CompletionPrompt? Prompt { get; init; }

    [JsonPropertyName("echo")]
    public bool? Echo { get; init; }
}
