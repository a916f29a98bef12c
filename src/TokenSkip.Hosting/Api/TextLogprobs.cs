using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>
/// <c>choices[i].logprobs</c> of a text completion, in OpenAI's legacy shape (as vLLM sends it): parallel lists, one
/// entry per token. <c>token_logprobs</c> and <c>top_logprobs</c> are null for the first prompt token (nothing predicts it).
/// </summary>
internal sealed record TextLogprobs(
    [property: JsonPropertyName("tokens")] IReadOnlyList<string> Tokens,
    [property: JsonPropertyName("token_logprobs")] IReadOnlyList<double?> TokenLogprobs,
    [property: JsonPropertyName("top_logprobs")] IReadOnlyList<IReadOnlyDictionary<string, double>?> TopLogprobs,
    [property: JsonPropertyName("text_offset")] IReadOnlyList<int> TextOffset);
