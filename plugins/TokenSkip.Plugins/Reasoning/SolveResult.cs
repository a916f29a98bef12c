using System.Text.Json.Serialization;

namespace TokenSkip.Plugins;

/// <summary>What <see cref="ReasoningPlugin.SolveAsync"/> returns to the caller (and, as JSON, to a planner model).</summary>
/// <param name="Answer">The final answer extracted from the reasoning; empty when the model gave none (e.g. it was cut off).</param>
/// <param name="CompressionRatio">The γ the model reasoned at.</param>
/// <param name="TokensUsed">Completion tokens the model generated.</param>
/// <param name="FinishReason">"stop", or "length" when the token cap cut the reasoning short.</param>
/// <param name="Reasoning">The model's (compressed) chain of thought and answer line.</param>
/// <param name="Explanation">Why this γ: the planner's explanation, or that γ was fixed.</param>
public sealed record SolveResult(
    [property: JsonPropertyName("answer")] string Answer,
    [property: JsonPropertyName("compression_ratio")] double CompressionRatio,
    [property: JsonPropertyName("tokens_used")] int TokensUsed,
    [property: JsonPropertyName("finish_reason")] string FinishReason,
    [property: JsonPropertyName("reasoning")] string Reasoning,
    [property: JsonPropertyName("explanation")] string Explanation);
