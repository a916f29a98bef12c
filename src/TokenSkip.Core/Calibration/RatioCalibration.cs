using System.Text.Json.Serialization;

namespace TokenSkip.Core.Calibration;

/// <summary>What a model actually does when asked for one γ, measured on held-out problems.</summary>
/// <param name="Gamma">The requested ratio.</param>
/// <param name="ActualRatio">Mean CoT tokens at this γ divided by mean CoT tokens at γ = 1.0.</param>
/// <param name="Accuracy">Fraction of problems answered correctly.</param>
/// <param name="MeanCotTokens">Mean CoT tokens.</param>
public sealed record RatioCalibration(
    [property: JsonPropertyName("gamma")] double Gamma,
    [property: JsonPropertyName("actual_ratio")] double ActualRatio,
    [property: JsonPropertyName("accuracy")] double Accuracy,
    [property: JsonPropertyName("mean_cot_tokens")] double MeanCotTokens);
