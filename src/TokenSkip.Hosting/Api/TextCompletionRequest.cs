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

    /// <summary>Put the prompt text before the completion (and, with <see cref="Logprobs"/>, score the prompt's tokens).</summary>
    [JsonPropertyName("echo")]
    public bool? Echo { get; init; }

    /// <summary>Return log-probabilities with this many most likely alternatives per token (0 to 20, as vLLM caps it).</summary>
    [JsonPropertyName("logprobs")]
    public int? Logprobs { get; init; }
}
