namespace TokenSkip.Core.Answers;

/// <summary>An answer found in model output.</summary>
/// <param name="Text">The answer, normalised by <see cref="AnswerNormalizer.Normalize"/>.</param>
/// <param name="Source">Which rule found it.</param>
public sealed record ExtractedAnswer(string Text, AnswerSource Source);
