using System.Text.Json.Serialization;

namespace TokenSkip.Pipeline.Evaluation;

/// <summary>One scored generation: a line of <c>samples.jsonl</c>, written as soon as the sample finishes.</summary>
public sealed record SampleRecord
{
    /// <summary>TokenSkip or a baseline.</summary>
    [JsonPropertyName("method")]
    public required EvaluationMethod Method { get; init; }

    /// <summary>The compression ratio.</summary>
    [JsonPropertyName("gamma")]
    [JsonConverter(typeof(GammaJsonConverter))]
    public required double Gamma { get; init; }

    /// <summary>The sample's id.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The reference answer.</summary>
    [JsonPropertyName("reference")]
    public required string Reference { get; init; }

    /// <summary>The extracted, normalised answer; null when the output holds none.</summary>
    [JsonPropertyName("prediction")]
    public string? Prediction { get; init; }

    /// <summary>Whether the prediction matches the reference.</summary>
    [JsonPropertyName("correct")]
    public required bool Correct { get; init; }

    /// <summary>Target-tokenizer tokens of the chain of thought (the output before "\n\nThe final answer is:", or all of it).</summary>
    [JsonPropertyName("cot_tokens")]
    public required int CotTokens { get; init; }

    /// <summary>Tokens generated, the stop token included.</summary>
    [JsonPropertyName("generated_tokens")]
    public required int GeneratedTokens { get; init; }

    /// <summary>The generation limit this sample ran under (the truncation cap for truncation rows).</summary>
    [JsonPropertyName("max_new_tokens")]
    public required int MaxNewTokens { get; init; }

    /// <summary>"stop" or "length".</summary>
    [JsonPropertyName("finish_reason")]
    public required string FinishReason { get; init; }

    /// <summary>
    /// Wall time of this sample's generation alone (batch 1), in milliseconds; null for samples generated in a batch
    /// (beyond <see cref="EvaluationOptions.LatencySamples"/>), which count for accuracy and tokens only.
    /// </summary>
    [JsonPropertyName("latency_ms")]
    public required double? LatencyMs { get; init; }

    /// <summary>The generated text.</summary>
    [JsonPropertyName("output")]
    public required string Output { get; init; }
}
