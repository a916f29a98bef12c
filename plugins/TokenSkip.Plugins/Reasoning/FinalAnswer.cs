using System.Globalization;
using System.Text.RegularExpressions;

namespace TokenSkip.Plugins;

/// <summary>
/// Reads the final answer out of a TokenSkip completion: the content of the last <c>\boxed{…}</c> (braces matched), else
/// the text after "answer is", else the last number; and compares answers numerically (within 1e-3) or as text.
/// </summary>
/// <remarks>
/// A deliberately small subset of TokenSkip's scorer, enough for GSM8K-style integer answers; the full normaliser
/// (fractions, units, MATH forms) belongs in Core and should replace this once it is there.
/// </remarks>
public static partial class FinalAnswer
{
    /// <summary>The answer in <paramref name="completion"/>, normalised (no <c>$</c>, spaces, thousands commas or trailing dot); empty when none.</summary>
    public static string Extract(string completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        var boxed = completion.LastIndexOf("\\boxed{", StringComparison.Ordinal);
        if (boxed >= 0)
        {
            var start = boxed + "\\boxed{".Length;
            var depth = 1;
            for (var i = start; i < completion.Length; i++)
            {
                depth += completion[i] == '{' ? 1 : completion[i] == '}' ? -1 : 0;
                if (depth == 0)
                {
                    return Normalise(completion[start..i]);
                }
            }
        }

        var phrase = completion.LastIndexOf("answer is", StringComparison.OrdinalIgnoreCase);
        var tail = phrase >= 0 ? completion[(phrase + "answer is".Length)..] : completion;
        var numbers = Number().Matches(tail);
        return numbers.Count == 0 ? string.Empty : Normalise(phrase >= 0 ? numbers[0].Value : numbers[^1].Value);
    }

    /// <summary>True when <paramref name="predicted"/> equals <paramref name="expected"/> numerically (within 1e-3) or as normalised text.</summary>
    public static bool Matches(string predicted, string expected)
    {
        var a = Normalise(predicted);
        var b = Normalise(expected);
        if (a.Length == 0)
        {
            return false;
        }

        return double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
               && double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var y)
            ? Math.Abs(x - y) <= 1e-3
            : string.Equals(a, b, StringComparison.Ordinal);
    }

    private static string Normalise(string answer)
    {
        var text = answer.Replace("$", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal).Trim().TrimEnd('.');
        return Thousands().IsMatch(text) ? text.Replace(",", string.Empty, StringComparison.Ordinal) : text;
    }

    [GeneratedRegex(@"-?\d[\d,]*(\.\d+)?")]
    private static partial Regex Number();

    [GeneratedRegex(@"^-?\d{1,3}(,\d{3})+(\.\d+)?$")]
    private static partial Regex Thousands();
}
