using System.Text.Json.Serialization;

namespace TokenSkip.Core.Budgets;

/// <summary>One reasoning step as the model ran it, for calibrating and checking the planner's length model.</summary>
/// <param name="Gamma">The γ it ran at.</param>
/// <param name="QuestionTokens">Tokens of its question.</param>
/// <param name="CotTokens">Tokens of its CoT (the completion before TokenSkip's answer line).</param>
/// <param name="CompletionTokens">All its completion tokens (what a budget is charged).</param>
/// <param name="Question">Which question it was (steps at different γ of one question share it), or null.</param>
public sealed record StepLength(
    [property: JsonPropertyName("gamma")] double Gamma,
    [property: JsonPropertyName("question_tokens")] int QuestionTokens,
    [property: JsonPropertyName("cot_tokens")] int CotTokens,
    [property: JsonPropertyName("completion_tokens")] int CompletionTokens,
    [property: JsonPropertyName("question")] int? Question = null);
