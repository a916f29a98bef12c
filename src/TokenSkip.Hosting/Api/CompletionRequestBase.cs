using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>
/// The fields chat and text completions share: OpenAI's length, sampling and streaming fields, and the extensions vLLM
/// and llama.cpp's servers also accept (<c>top_k</c>, <c>repetition_penalty</c>, <c>stop_token_ids</c>,
/// <c>ignore_eos</c>). Unknown fields are ignored; a known field of the wrong JSON type is an error.
/// </summary>
internal abstract class CompletionRequestBase
{
    [JsonPropertyName("model")]
    public string? Model { get; init; }

    [JsonPropertyName("max_tokens")]
    public int? MaxTokens { get; init; }

    [JsonPropertyName("max_completion_tokens")]
    public int? MaxCompletionTokens { get; init; }

    [JsonPropertyName("temperature")]
    public double? Temperature { get; init; }

    [JsonPropertyName("top_p")]
    public double? TopP { get; init; }

    [JsonPropertyName("seed")]
    public long? Seed { get; init; }

    [JsonPropertyName("stop")]
    [JsonConverter(typeof(StopSequencesConverter))]
    public IReadOnlyList<string>? Stop { get; init; }

    [JsonPropertyName("n")]
    public int? N { get; init; }

    [JsonPropertyName("stream")]
    public bool? Stream { get; init; }

    [JsonPropertyName("stream_options")]
    public ChatStreamOptions? StreamOptions { get; init; }

    [JsonPropertyName("top_k")]
    public int? TopK { get; init; }

    [JsonPropertyName("repetition_penalty")]
    public double? RepetitionPenalty { get; init; }

    [JsonPropertyName("stop_token_ids")]
    public IReadOnlyList<int>? StopTokenIds { get; init; }

    [JsonPropertyName("ignore_eos")]
    public bool? IgnoreEos { get; init; }
}
