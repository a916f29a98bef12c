using System.Text.Json.Serialization;

namespace TokenSkip.Pipeline.Evaluation;

/// <summary>How a row of an evaluation was produced.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EvaluationMethod>))]
public enum EvaluationMethod
{
    /// <summary>TokenSkip's prompt at the row's γ.</summary>
    [JsonStringEnumMemberName("tokenskip")]
    TokenSkip,

    /// <summary>
    /// Baseline: the same model with the γ = 1 prompt (no ratio in it). With no adapter, this is the same
    /// generation as the γ = 1.0 TokenSkip row, whose results it reuses.
    /// </summary>
    [JsonStringEnumMemberName("original")]
    Original,

    /// <summary>Baseline: the original prompt with generation capped at γ × the original's tokens for that sample.</summary>
    [JsonStringEnumMemberName("truncation")]
    Truncation,

    /// <summary>
    /// Ablation: TokenSkip trained the same way on CoTs with randomly dropped words instead of the least important
    /// ones (the paper's importance-metric comparison). Never run by <see cref="EvaluationRunner"/>: it labels the
    /// TokenSkip rows of a second evaluation when two reports are combined (as the default-model recipe does).
    /// </summary>
    [JsonStringEnumMemberName("random-dropping")]
    RandomDropping,
}
