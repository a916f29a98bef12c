using System.Text.Json.Serialization;

namespace TokenSkip.Pipeline.Data;

/// <summary>A correct, short-enough trajectory, ready to compress (output of the filter stage).</summary>
/// <param name="Id">The problem's id.</param>
/// <param name="Question">The question.</param>
/// <param name="Answer">The reference answer.</param>
/// <param name="Prediction">The answer extracted from the model's output (equivalent to <paramref name="Answer"/>).</param>
/// <param name="Cot">The chain of thought to compress: the model's output without the "The final answer is" suffix.</param>
/// <param name="CotTokens">Target-model tokens in <paramref name="Cot"/>.</param>
public sealed record FilteredRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("question")] string Question,
    [property: JsonPropertyName("answer")] string Answer,
    [property: JsonPropertyName("prediction")] string Prediction,
    [property: JsonPropertyName("cot")] string Cot,
    [property: JsonPropertyName("cot_tokens")] int CotTokens);
