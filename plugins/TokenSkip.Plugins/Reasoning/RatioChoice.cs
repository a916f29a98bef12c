using System.Text.Json.Serialization;

namespace TokenSkip.Plugins;

/// <summary>What <see cref="ReasoningPlugin.ChooseCompressionRatio"/> returns: the planner's decision for one step.</summary>
/// <param name="CompressionRatio">The chosen γ.</param>
/// <param name="PredictedTokens">Completion tokens predicted at that γ.</param>
/// <param name="MaxOutputTokens">The hard cap to generate under.</param>
/// <param name="FitsBudget">False when no γ fits and the planner fell back to γ = 0.5 with a hard cap.</param>
/// <param name="Explanation">The planner's explanation, with the numbers.</param>
public sealed record RatioChoice(
    [property: JsonPropertyName("compression_ratio")] double CompressionRatio,
    [property: JsonPropertyName("predicted_tokens")] int PredictedTokens,
    [property: JsonPropertyName("max_output_tokens")] int? MaxOutputTokens,
    [property: JsonPropertyName("fits_budget")] bool FitsBudget,
    [property: JsonPropertyName("explanation")] string Explanation);
