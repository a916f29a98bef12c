using System.Text.RegularExpressions;

namespace TokenSkip.Core.Answers;

/// <summary>
/// Scores a model's output against a reference answer: extraction (<see cref="AnswerExtractor"/>), normalisation
/// (<see cref="AnswerNormalizer"/>) and equivalence (<see cref="AnswerEquivalence"/>), as TokenSkip's reference
/// evaluation does for GSM8K and MATH.
/// </summary>
/// <remarks>
/// Questions with several answers follow the reference too: when the question asks for answers "separated by
/// commas" (and the answer is no tuple or interval), or the answer joins parts with <c>\text{ and }</c>, both sides
/// are split into parts that must match as sets; the prediction is the last boxed answers, as many as the reference
/// has parts (a model that boxes each root separately is read correctly).
/// </remarks>
public static partial class AnswerScorer
{
    /// <summary>Scores <paramref name="output"/> against <paramref name="reference"/> (an answer as a dataset writes it).</summary>
    /// <param name="output">The model's output.</param>
    /// <param name="reference">The reference answer, e.g. "18", "1,080", <c>\frac{14}{3}</c>.</param>
    /// <param name="question">The question, which decides whether answers are lists; null for single answers.</param>
    public static AnswerScore Score(string output, string reference, string? question = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(reference);
        var references = Split(AnswerNormalizer.Normalize(reference), question);
        var extracted = AnswerExtractor.ExtractAll(output);
        if (extracted.Count == 0)
        {
            return new AnswerScore(null, false, null);
        }

        // A repeated answer counts once, at its last place, so the final box is always the last prediction.
        var predictions = extracted.SelectMany(a => Split(a.Text, question)).Reverse().Distinct(StringComparer.Ordinal).Reverse().ToArray();
        predictions = predictions[Math.Max(0, predictions.Length - references.Count)..];
        var correct = references.Count == 1 && predictions.Length == 1
            ? AnswerEquivalence.AreEquivalent(predictions[0], references[0])
            : AnswerEquivalence.SameSets(predictions, references);
        return new AnswerScore(string.Join(",", predictions), correct, extracted[^1].Source);
    }

    /// <summary>True when <paramref name="output"/>'s answer is equivalent to <paramref name="reference"/>.</summary>
    public static bool IsCorrect(string output, string reference, string? question = null) => Score(output, reference, question).IsCorrect;

    private static IReadOnlyList<string> Split(string answer, string? question)
    {
        if (question is not null && question.Contains("separated by commas", StringComparison.Ordinal) && answer.IndexOfAny(['(', ')', '[', ']']) < 0)
        {
            return LatexGroups.SplitTopLevel(answer, ',').Where(a => a.Length > 0).ToArray();
        }

        return TextAnd().IsMatch(answer) ? TextAnd().Split(answer).Where(a => a.Length > 0).ToArray() : [answer];
    }

    [GeneratedRegex(@"\\text\{\s*and\s*\}")]
    private static partial Regex TextAnd();
}
