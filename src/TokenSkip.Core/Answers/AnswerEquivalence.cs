namespace TokenSkip.Core.Answers;

/// <summary>
/// Decides whether two normalised answers (<see cref="AnswerNormalizer.Normalize"/>) are the same answer, as
/// TokenSkip's reference scorer does: equal strings; equal numbers within <see cref="Tolerance"/>; tuples, intervals
/// and matrices element by element; unions of intervals as sets; equations up to sign; and expressions with the
/// same value (at several points when they have variables), which stands in for the reference's sympy check.
/// </summary>
/// <remarks>
/// Differences from the reference, each deliberate: a percentage equals its fraction or bare number only when one
/// side is written with %, so 18 never matches 0.18 or 1800; an interval or tuple only matches one with the same
/// brackets, so (0,1] and [0,1) differ.
/// </remarks>
public static class AnswerEquivalence
{
    /// <summary>The absolute tolerance for numbers and constant expressions (the reference's 1e-3).</summary>
    public const double Tolerance = 1e-3;

    // Expressions with variables must agree closely (relative) at every point where both are defined.
    private const double IdentityTolerance = 1e-6;
    private const int IdentityPoints = 6;
    private const int IdentityPointsNeeded = 3;

    /// <summary>True when <paramref name="prediction"/> and <paramref name="reference"/> (both normalised) are the same answer.</summary>
    public static bool AreEquivalent(string prediction, string reference)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(reference);
        if (prediction.Length == 0 || reference.Length == 0)
        {
            return false;
        }

        if (string.Equals(prediction, reference, StringComparison.Ordinal))
        {
            return true;
        }

        if (NumericAnswer.TryParse(prediction, out var p) && NumericAnswer.TryParse(reference, out var r))
        {
            return p.Matches(r, Tolerance);
        }

        if (prediction.Contains("\\cup", StringComparison.Ordinal) && reference.Contains("\\cup", StringComparison.Ordinal))
        {
            return SameSets(prediction.Split("\\cup"), reference.Split("\\cup"));
        }

        return SameElements(prediction, reference)
            || SameMatrix(prediction, reference)
            || SameEquation(prediction, reference)
            || SameValue(prediction, reference);
    }

    /// <summary>
    /// True when every prediction matches some reference answer and every reference answer matches some prediction
    /// (answers to "list all solutions" questions, in any order).
    /// </summary>
    public static bool SameSets(IReadOnlyList<string> predictions, IReadOnlyList<string> references)
    {
        if (predictions.Count == 0 || references.Count == 0)
        {
            return false;
        }

        return predictions.All(p => references.Any(r => AreEquivalent(p, r)))
            && references.All(r => predictions.Any(p => AreEquivalent(p, r)));
    }

    // (a,b) vs (c,d), [a,b) vs [c,d): same brackets, same count, pairwise equivalent.
    private static bool SameElements(string prediction, string reference)
    {
        if (!IsBracketed(prediction) || !IsBracketed(reference) || prediction[0] != reference[0] || prediction[^1] != reference[^1])
        {
            return false;
        }

        var p = LatexGroups.SplitTopLevel(prediction[1..^1], ',');
        var r = LatexGroups.SplitTopLevel(reference[1..^1], ',');
        return (p.Count > 1 || r.Count > 1) && p.Count == r.Count && p.Zip(r).All(pair => AreEquivalent(pair.First, pair.Second));
    }

    private static bool IsBracketed(string s) => s.Length >= 3 && s[0] is '(' or '[' && s[^1] is ')' or ']';

    private static bool SameMatrix(string prediction, string reference)
    {
        var p = MatrixCells(prediction);
        var r = MatrixCells(reference);
        return p is not null && r is not null && p.Count == r.Count
            && p.Zip(r).All(rows => rows.First.Count == rows.Second.Count && rows.First.Zip(rows.Second).All(c => AreEquivalent(c.First, c.Second)));
    }

    private static List<IReadOnlyList<string>>? MatrixCells(string s)
    {
        foreach (var kind in new[] { "pmatrix", "bmatrix" })
        {
            var begin = "\\begin{" + kind + "}";
            var end = "\\end{" + kind + "}";
            if (s.StartsWith(begin, StringComparison.Ordinal) && s.EndsWith(end, StringComparison.Ordinal))
            {
                return s[begin.Length..^end.Length].Split("\\\\")
                    .Where(row => row.Length > 0)
                    .Select(row => (IReadOnlyList<string>)row.Split('&'))
                    .ToList();
            }
        }

        return null;
    }

    // "y=2x+1" vs "2x-y+1=0" (same equation up to sign), or "x=5" vs "5" (a short left side is a name).
    private static bool SameEquation(string prediction, string reference)
    {
        var p = prediction.Split('=');
        var r = reference.Split('=');
        if (p.Length == 2 && r.Length == 2)
        {
            var pDifference = $"({p[0]})-({p[1]})";
            var rDifference = $"({r[0]})-({r[1]})";
            return SameValue(pDifference, rDifference) || SameValue($"-({pDifference})", rDifference);
        }

        // A side of a normalised equation may still be wrapped (x=\text{east}); normalise it on its own.
        if (p.Length == 2 && r.Length == 1 && p[0].Length <= 2)
        {
            return AreEquivalent(AnswerNormalizer.Normalize(p[1]), reference);
        }

        return r.Length == 2 && p.Length == 1 && r[0].Length <= 2 && AreEquivalent(prediction, AnswerNormalizer.Normalize(r[1]));
    }

    private static bool SameValue(string prediction, string reference)
    {
        if (!MathExpressionParser.TryParse(prediction, out var p) || !MathExpressionParser.TryParse(reference, out var r))
        {
            return false;
        }

        var variables = p.Variables.Union(r.Variables).Order(StringComparer.Ordinal).ToArray();
        if (variables.Length == 0)
        {
            var a = p.Evaluate(_ => double.NaN);
            var b = r.Evaluate(_ => double.NaN);
            return double.IsFinite(a) && double.IsFinite(b) && NumericAnswer.Close(a, b, Tolerance);
        }

        var agreeing = 0;
        for (var point = 0; point < IdentityPoints; point++)
        {
            var values = variables.Select((_, i) => SamplePoint(point, i)).ToArray();
            double ValueOf(string name) => values[Array.IndexOf(variables, name)];
            var a = p.Evaluate(ValueOf);
            var b = r.Evaluate(ValueOf);
            if (!double.IsFinite(a) || !double.IsFinite(b))
            {
                continue;
            }

            if (Math.Abs(a - b) > IdentityTolerance * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b))))
            {
                return false;
            }

            agreeing++;
        }

        return agreeing >= IdentityPointsNeeded;
    }

    // Fixed, irregular values in (0.5, 2.5): different per variable and per point, the same on every run.
    private static double SamplePoint(int point, int variable) =>
        0.5 + 2 * ((((point + 1) * 0.6180339887) + ((variable + 1) * 0.7548776662)) % 1.0);
}
