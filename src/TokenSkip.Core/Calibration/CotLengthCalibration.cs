using System.Text.Json.Serialization;

namespace TokenSkip.Core.Calibration;

/// <summary>
/// The model card's length model (<c>length_model</c>): how long the model's γ = 1 CoT is for a question of a given
/// length, and what a step spends after it, measured on calibration questions (<c>WorksheetAgent --calibration</c>).
/// The budget planner starts from it, so its first predictions are already unbiased, and learns on from there.
/// </summary>
/// <param name="QuestionTokens">The mean question length of the calibration questions (the line's centre).</param>
/// <param name="CotTokens">The mean γ = 1 CoT length at that question length (the line's level).</param>
/// <param name="CotTokensPerQuestionToken">The line's slope: extra CoT tokens per extra question token.</param>
/// <param name="CotSpread">The standard deviation of γ = 1 CoT lengths around the line.</param>
/// <param name="AnswerTokens">The mean tokens a step spends after its CoT (answer line and end of turn).</param>
/// <param name="Steps">How many steps (all γ) it was fitted on.</param>
public sealed record CotLengthCalibration(
    [property: JsonPropertyName("question_tokens")] double QuestionTokens,
    [property: JsonPropertyName("cot_tokens")] double CotTokens,
    [property: JsonPropertyName("cot_tokens_per_question_token")] double CotTokensPerQuestionToken,
    [property: JsonPropertyName("cot_spread")] double CotSpread,
    [property: JsonPropertyName("answer_tokens")] double AnswerTokens,
    [property: JsonPropertyName("steps")] int Steps)
{
    /// <summary>Checks the values; the message names the file and field.</summary>
    /// <exception cref="FormatException">A value is out of range.</exception>
    public CotLengthCalibration Validate(string path)
    {
        Require(double.IsFinite(QuestionTokens) && QuestionTokens >= 0, "question_tokens", "a number >= 0", QuestionTokens);
        Require(double.IsFinite(CotTokens) && CotTokens > 0, "cot_tokens", "a number > 0", CotTokens);
        Require(double.IsFinite(CotTokensPerQuestionToken), "cot_tokens_per_question_token", "a finite number", CotTokensPerQuestionToken);
        Require(double.IsFinite(CotSpread) && CotSpread >= 0, "cot_spread", "a number >= 0", CotSpread);
        Require(double.IsFinite(AnswerTokens) && AnswerTokens >= 0, "answer_tokens", "a number >= 0", AnswerTokens);
        return this;

        void Require(bool ok, string field, string rule, double value)
        {
            if (!ok)
            {
                throw new FormatException(FormattableString.Invariant($"{path}: length_model.{field} must be {rule}; got {value}"));
            }
        }
    }
}
