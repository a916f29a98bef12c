using System.Text.RegularExpressions;

namespace TokenSkip.Core.Answers;

/// <summary>
/// Finds the answer in a model's output as TokenSkip's reference scorer does: the last <c>\boxed{…}</c>; else the
/// text after the last "the answer is"; else the last number. The found text is cut to its first line, stripped of
/// a leading ":" and trailing "." or "/", and normalised.
/// </summary>
/// <remarks>
/// Two deliberate differences: output that mentions "boxed" without a complete box (a cut-off generation) falls
/// through to the next rule instead of counting as no answer; and "The answer is 18 dollars." yields 18 (a number
/// followed by words keeps the number), where the reference keeps "18dollars" and scores it wrong.
/// </remarks>
public static partial class AnswerExtractor
{
    private const string AnswerPhrase = "he answer is";

    /// <summary>The answer in <paramref name="output"/>, or null when it holds none.</summary>
    public static ExtractedAnswer? Extract(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var boxed = BoxedAnswers.FindAll(output).Select(Clean).LastOrDefault(a => a.Length > 0);
        if (boxed is not null)
        {
            return new ExtractedAnswer(boxed, AnswerSource.Boxed);
        }

        var phrase = output.LastIndexOf(AnswerPhrase, StringComparison.Ordinal);
        if (phrase >= 0)
        {
            var text = Clean(PhraseAnswer(output[(phrase + AnswerPhrase.Length)..]));
            if (text.Length > 0)
            {
                return new ExtractedAnswer(text, AnswerSource.AnswerPhrase);
            }
        }

        var numbers = Number().Matches(ThousandsSeparator().Replace(output, string.Empty));
        return numbers.Count == 0 ? null : new ExtractedAnswer(Clean(numbers[^1].Value), AnswerSource.LastNumber);
    }

    /// <summary>
    /// Every boxed answer in order (normalised, empty boxes skipped), for questions with several answers; when the
    /// output has no box, the single answer <see cref="Extract"/> finds (or none).
    /// </summary>
    public static IReadOnlyList<ExtractedAnswer> ExtractAll(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var boxed = BoxedAnswers.FindAll(output).Select(Clean).Where(a => a.Length > 0).ToArray();
        if (boxed.Length > 0)
        {
            return boxed.Select(a => new ExtractedAnswer(a, AnswerSource.Boxed)).ToArray();
        }

        return Extract(output) is { } single ? [single] : [];
    }

    private static string Clean(string raw)
    {
        var text = raw.Trim();
        var newline = text.IndexOf('\n');
        if (newline >= 0)
        {
            text = text[..newline];
        }

        text = text.TrimStart(':').TrimEnd('.').TrimEnd('/');
        return AnswerNormalizer.Normalize(text);
    }

    private static string PhraseAnswer(string rest)
    {
        var text = rest.Trim();
        var newline = text.IndexOf('\n');
        text = (newline >= 0 ? text[..newline] : text).TrimStart(':', ' ').Trim('*', ' ');
        var math = InlineMath().Match(text);
        if (math.Success)
        {
            return math.Groups[1].Value;
        }

        var leading = NumberThenWords().Match(text);
        return leading.Success ? leading.Groups[1].Value : text;
    }

    [GeneratedRegex(@"(?<=\d),(?=\d{3}(?!\d))")]
    private static partial Regex ThousandsSeparator();

    [GeneratedRegex(@"(?<![\w.])-?(\d+(\.\d+)?|\.\d+)")]
    private static partial Regex Number();

    [GeneratedRegex(@"^\$([^$]+)\$")]
    private static partial Regex InlineMath();

    [GeneratedRegex(@"^\\?\$?\s*(-?[\d,]*\.?\d+)\s+[A-Za-z]")]
    private static partial Regex NumberThenWords();
}
