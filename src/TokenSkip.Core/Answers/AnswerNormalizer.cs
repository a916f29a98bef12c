using System.Text;
using System.Text.RegularExpressions;

namespace TokenSkip.Core.Answers;

/// <summary>
/// Puts an answer into a canonical text form so that equal answers written differently compare equal as strings:
/// the rules of TokenSkip's reference scorer (math-evaluation conventions), with a few of its accidents fixed.
/// </summary>
/// <remarks>
/// In order: drop line breaks, <c>$</c> and <c>\$</c>, a trailing ".", LaTeX thin spaces (<c>\!</c>, <c>\,</c>, …), <c>\displaystyle</c>,
/// a wrapping <c>\text{…}</c>; <c>\dfrac</c>/<c>\tfrac</c>/<c>\cfrac</c> become <c>\frac</c>; drop <c>\left</c>/<c>\right</c>,
/// a trailing unit in <c>\text{…}</c>/<c>\mbox{…}</c> (when something remains), degree marks, a leading <c>x \in</c>; <c>\%</c> becomes <c>%</c>; <c>\cdot</c> becomes <c>*</c> (the reference deletes it, which
/// turns <c>2\cdot 3</c> into 23); "infinity"/"inf" become <c>\infty</c>; <c>\mathbf</c>/<c>\mathrm</c>/<c>\textbf</c> are
/// unwrapped; trailing zero decimals go (<c>5.00</c> → 5) and a leading "." gets its 0; <c>\sqrt2</c> → <c>\sqrt{2}</c>;
/// whitespace goes (except one space after a control word before a letter, so <c>\pi r</c> stays two symbols);
/// <c>\frac12</c> → <c>\frac{1}{2}</c>; an integer <c>a/b</c> → <c>\frac{a}{b}</c>; thousands separators go when the
/// whole answer is one number (<c>10,080</c> → 10080, while a list like <c>1,-2</c> is kept); trailing <c>\\</c>, ",", "." go.
/// </remarks>
public static partial class AnswerNormalizer
{
    /// <summary>Normalises <paramref name="answer"/>; returns an empty string for an empty answer.</summary>
    public static string Normalize(string answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var s = answer.Replace('\u2212', '-').Replace("\r", " ").Replace("\n", " ").Trim();
        s = s.Replace("\\$", string.Empty, StringComparison.Ordinal).Replace("$", string.Empty, StringComparison.Ordinal);
        s = s.Trim().TrimEnd('.').Trim();
        s = ThinSpace().Replace(s, " ");
        s = s.Replace("\\displaystyle", string.Empty, StringComparison.Ordinal);
        s = UnwrapWholeText(s);
        s = s.Replace("\\dfrac", "\\frac", StringComparison.Ordinal)
            .Replace("\\tfrac", "\\frac", StringComparison.Ordinal)
            .Replace("\\cfrac", "\\frac", StringComparison.Ordinal);
        s = LeftRight().Replace(s, string.Empty);
        s = RemoveTrailingUnit(s);
        s = Degrees().Replace(s, string.Empty).Trim();
        s = LeadingMembership().Replace(s, string.Empty);
        s = s.Replace("\\%", "%", StringComparison.Ordinal);
        s = s.Replace(" .", " 0.", StringComparison.Ordinal).Replace("{.", "{0.", StringComparison.Ordinal);
        s = s.Replace("\\cdot", "*", StringComparison.Ordinal);
        s = s.Replace("infinity", "\\infty", StringComparison.Ordinal);
        s = BareInf().Replace(s, "\\infty");
        s = UnwrapCommands(s, "\\mathbf", "\\mathrm", "\\textbf");
        s = s.Replace("\\mbox", string.Empty, StringComparison.Ordinal);
        s = ZeroDecimals().Replace(s, "$1");
        s = s.Trim();
        if (s.StartsWith('.'))
        {
            s = "0" + s;
        }

        s = UnbracedSqrt().Replace(s, "\\sqrt{$1}");
        s = RemoveWhitespace(s);
        s = BraceFractionArguments(s);
        s = SlashFraction().Replace(s, "\\frac{$1}{$2}");
        if (ThousandsNumber().IsMatch(s))
        {
            s = s.Replace(",", string.Empty, StringComparison.Ordinal);
        }

        return TrailingPunctuation().Replace(s, string.Empty);
    }

    private static string UnwrapWholeText(string s)
    {
        foreach (var command in new[] { "\\text{", "\\textbf{", "\\mathrm{", "\\mbox{" })
        {
            if (s.StartsWith(command, StringComparison.Ordinal) && LatexGroups.EndOfGroup(s, command.Length - 1) == s.Length)
            {
                return s[command.Length..^1].Trim();
            }
        }

        return s;
    }

    // "5 \text{ cm}^2" → "5": a unit follows a quantity, so "x = \text{east}" and a lone "\text{east}" keep their text.
    private static string RemoveTrailingUnit(string s)
    {
        var match = TrailingUnit().Match(s);
        if (match.Success)
        {
            var rest = s[..match.Index].Trim();
            return rest.Length > 0 && (char.IsLetterOrDigit(rest[^1]) || rest[^1] is '}' or ')' or ']') ? rest : s;
        }

        return s;
    }

    private static string UnwrapCommands(string s, params string[] commands)
    {
        foreach (var command in commands)
        {
            for (var at = s.IndexOf(command + "{", StringComparison.Ordinal); at >= 0; at = s.IndexOf(command + "{", at, StringComparison.Ordinal))
            {
                var open = at + command.Length;
                var end = LatexGroups.EndOfGroup(s, open);
                if (end < 0)
                {
                    break;
                }

                s = string.Concat(s.AsSpan(0, at), s.AsSpan(open + 1, end - open - 2), s.AsSpan(end));
            }
        }

        return s;
    }

    private static string RemoveWhitespace(string s)
    {
        var builder = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (!char.IsWhiteSpace(s[i]))
            {
                builder.Append(s[i]);
                continue;
            }

            var next = i + 1;
            while (next < s.Length && char.IsWhiteSpace(s[next]))
            {
                next++;
            }

            if (next < s.Length && char.IsAsciiLetter(s[next]) && EndsWithControlWord(builder))
            {
                builder.Append(' ');
            }

            i = next - 1;
        }

        return builder.ToString();
    }

    private static bool EndsWithControlWord(StringBuilder builder)
    {
        var i = builder.Length - 1;
        while (i >= 0 && char.IsAsciiLetter(builder[i]))
        {
            i--;
        }

        return i >= 0 && i < builder.Length - 1 && builder[i] == '\\';
    }

    // \frac12 → \frac{1}{2}, \frac1{72} → \frac{1}{72}, \frac{3}4 → \frac{3}{4}: an unbraced argument is one character.
    private static string BraceFractionArguments(string s)
    {
        const string Frac = "\\frac";
        var builder = new StringBuilder(s.Length + 8);
        var i = 0;
        while (i < s.Length)
        {
            if (!s.AsSpan(i).StartsWith(Frac))
            {
                builder.Append(s[i++]);
                continue;
            }

            builder.Append(Frac);
            i += Frac.Length;
            for (var argument = 0; argument < 2; argument++)
            {
                while (i < s.Length && s[i] == ' ')
                {
                    i++;
                }

                var end = i >= s.Length || s[i] == '\\' ? -1 : s[i] == '{' ? LatexGroups.EndOfGroup(s, i) : i + 1;
                if (end < 0)
                {
                    break;
                }

                builder.Append(s[i] == '{' ? s[i..end] : "{" + s[i] + "}");
                i = end;
            }
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"(?<!\\)\\[!,;: ]|~")]
    private static partial Regex ThinSpace();

    [GeneratedRegex(@"\\(left|right)(?![a-zA-Z])")]
    private static partial Regex LeftRight();

    [GeneratedRegex(@"\\(text|mbox)\s*\{[^{}]*\}(\s*\^\s*(\{[23]\}|[23]))?\s*$")]
    private static partial Regex TrailingUnit();

    [GeneratedRegex(@"\s*\^\s*\{?\s*\\circ\s*\}?|°|\\degree(?![a-zA-Z])")]
    private static partial Regex Degrees();

    [GeneratedRegex(@"^\s*[a-zA-Z]\s*\\in(?![a-zA-Z])\s*")]
    private static partial Regex LeadingMembership();

    [GeneratedRegex(@"(?<![\\a-zA-Z])inf(?![a-zA-Z])")]
    private static partial Regex BareInf();

    [GeneratedRegex(@"(\d)\.0+(?!\d)")]
    private static partial Regex ZeroDecimals();

    [GeneratedRegex(@"\\sqrt\s*([0-9.a-zA-Z]+)")]
    private static partial Regex UnbracedSqrt();

    [GeneratedRegex(@"^(-?\d+)/(\d+)$")]
    private static partial Regex SlashFraction();

    [GeneratedRegex(@"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?%?$")]
    private static partial Regex ThousandsNumber();

    [GeneratedRegex(@"(\\\\|,|\.)+$")]
    private static partial Regex TrailingPunctuation();
}
