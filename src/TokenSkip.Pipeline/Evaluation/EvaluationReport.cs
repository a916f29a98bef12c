using System.Text.Json.Serialization;

namespace TokenSkip.Pipeline.Evaluation;

/// <summary>A finished evaluation: <c>results.json</c>.</summary>
public sealed record EvaluationReport
{
    /// <summary>One row per stage, in run order.</summary>
    [JsonPropertyName("results")]
    public required IReadOnlyList<EvaluationRow> Results { get; init; }

    /// <summary>The data file.</summary>
    [JsonPropertyName("data")]
    public required string Data { get; init; }

    /// <summary>The detected layout ("gsm8k" or "math").</summary>
    [JsonPropertyName("layout")]
    public required string Layout { get; init; }

    /// <summary>The model.</summary>
    [JsonPropertyName("model")]
    public required string Model { get; init; }

    /// <summary>The generation limit.</summary>
    [JsonPropertyName("max_new_tokens")]
    public required int MaxNewTokens { get; init; }

    /// <summary>What <c>actual_ratio</c> divides by: "gamma=1.0", "original", or null.</summary>
    [JsonPropertyName("ratio_reference")]
    public string? RatioReference { get; init; }
}
