using System.Text.Json.Serialization;

namespace TokenSkip.Pipeline.Evaluation;

/// <summary>The metrics of one stage: a row of <c>results.json</c>.</summary>
public sealed record EvaluationRow
{
    /// <summary>The compression ratio (1.0 for the original model).</summary>
    [JsonPropertyName("gamma")]
    [JsonConverter(typeof(GammaJsonConverter))]
    public required double Gamma { get; init; }

    /// <summary>The baseline ("original", "truncation"); absent on TokenSkip rows.</summary>
    [JsonPropertyName("method")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public EvaluationMethod? Method { get; init; }

    /// <summary>The method's name for reports ("tokenskip" when <see cref="Method"/> is absent).</summary>
    [JsonIgnore]
    public string MethodName => EvaluationStage.MethodName(Method ?? EvaluationMethod.TokenSkip);

    /// <summary>Fraction of samples answered correctly (0..1).</summary>
    [JsonPropertyName("accuracy")]
    public required double Accuracy { get; init; }

    /// <summary>Mean chain-of-thought tokens (target tokenizer).</summary>
    [JsonPropertyName("mean_cot_tokens")]
    public required double MeanCotTokens { get; init; }

    /// <summary>
    /// <see cref="MeanCotTokens"/> over that of the γ = 1.0 TokenSkip row, or of the original model when γ = 1.0 was not
    /// run; null when neither was.
    /// </summary>
    [JsonPropertyName("actual_ratio")]
    public required double? ActualRatio { get; init; }

    /// <summary>Mean wall time of one sample generated alone (batch 1), in milliseconds.</summary>
    [JsonPropertyName("latency_ms_per_sample")]
    public required double LatencyMsPerSample { get; init; }

    /// <summary>How many samples were timed alone for <see cref="LatencyMsPerSample"/>.</summary>
    [JsonPropertyName("latency_samples")]
    public int LatencySamples { get; init; }

    /// <summary>Samples scored.</summary>
    [JsonPropertyName("samples")]
    public required int Samples { get; init; }

    /// <summary>Mean tokens generated (stop token included).</summary>
    [JsonPropertyName("mean_generated_tokens")]
    public required double MeanGeneratedTokens { get; init; }

    /// <summary>Samples per second at <see cref="ThroughputBatchSize"/>; null when no time was measured.</summary>
    [JsonPropertyName("throughput_samples_per_s")]
    public required double? ThroughputSamplesPerSecond { get; init; }

    /// <summary>Generated tokens per second at <see cref="ThroughputBatchSize"/>; null when no time was measured.</summary>
    [JsonPropertyName("throughput_tokens_per_s")]
    public required double? ThroughputTokensPerSecond { get; init; }

    /// <summary>The batch size of the throughput figures (1 when they come from the latency pass).</summary>
    [JsonPropertyName("throughput_batch_size")]
    public required int ThroughputBatchSize { get; init; }
}
