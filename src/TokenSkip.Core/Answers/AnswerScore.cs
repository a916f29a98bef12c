namespace TokenSkip.Core.Answers;

/// <summary>The verdict on one model output.</summary>
/// <param name="Prediction">The normalised answer(s) extracted (several joined with ","), or null when none was found.</param>
/// <param name="IsCorrect">Whether the prediction is equivalent to the reference answer.</param>
/// <param name="Source">Which rule found the prediction, or null when none was found.</param>
public sealed record AnswerScore(string? Prediction, bool IsCorrect, AnswerSource? Source);
