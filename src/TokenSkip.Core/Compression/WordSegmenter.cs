using System.Globalization;
using System.Text;

namespace TokenSkip.Core.Compression;

/// <summary>
/// Splits text into the words that scorers without their own subword scheme (the causal-LM surprisal scorer)
/// score and prune: a maximal run of letters, combining marks, digits and connector punctuation ("_") is one
/// word; every other non-whitespace character (punctuation, symbols, emoji) is a word by itself; whitespace
/// separates words and is never part of one.
/// </summary>
/// <remarks>
/// This mirrors the granularity LLMLingua-2 ends up with on math text: "9*2=18." gives "9", "*", "2", "=", "18",
/// "." , so an operator or a full stop can be dropped without its neighbours.
/// </remarks>
public static class WordSegmenter
{
    /// <summary>The words of <paramref name="text"/>, in order.</summary>
    public static IReadOnlyList<TextSpan> Segment(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<TextSpan>();
        var runStart = -1;
        var index = 0;
        while (index < text.Length)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out var width) != System.Buffers.OperationStatus.Done)
            {
                rune = Rune.ReplacementChar;
                width = 1;
            }

            if (IsWordCharacter(rune))
            {
                if (runStart < 0)
                {
                    runStart = index;
                }
            }
            else
            {
                if (runStart >= 0)
                {
                    words.Add(new TextSpan(runStart, index - runStart));
                    runStart = -1;
                }

                if (!Rune.IsWhiteSpace(rune))
                {
                    words.Add(new TextSpan(index, width));
                }
            }

            index += width;
        }

        if (runStart >= 0)
        {
            words.Add(new TextSpan(runStart, text.Length - runStart));
        }

        return words;
    }

    /// <summary>True when whitespace directly precedes <paramref name="span"/> in <paramref name="text"/>.</summary>
    public static bool HasSpaceBefore(string text, TextSpan span) => span.Start > 0 && char.IsWhiteSpace(text[span.Start - 1]);

    private static bool IsWordCharacter(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
            or UnicodeCategory.ConnectorPunctuation => true,
        _ => false,
    };
}
