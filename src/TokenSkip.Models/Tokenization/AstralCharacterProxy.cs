using System.Globalization;
using System.Text;

namespace TokenSkip.Models.Tokenization;

/// <summary>
/// Lets .NET's UTF-16 regexes classify characters outside the BMP the way tokenizers' code-point regexes do.
/// .NET sees an astral character such as 𝔘 or 𠀀 as two surrogates (category Cs), so <c>\p{L}+</c> would stop
/// at it and split "你𠀀好" where Hugging Face keeps one word. Each astral code point is replaced by one BMP
/// character of the same Unicode general category before matching, and match positions are mapped back.
/// </summary>
/// <remarks>Patterns that test scripts or blocks (e.g. <c>\p{IsCJK…}</c>) rather than categories still see the stand-in.</remarks>
internal static class AstralCharacterProxy
{
    // One stand-in per UnicodeCategory value, none of them ASCII, whitespace, or a letter a pattern's
    // literals could fold to. Surrogate never occurs for a code point; its slot only fills the table.
    private static readonly char[] StandIns =
    [
        '\u00C0', // UppercaseLetter
        '\u00E0', // LowercaseLetter
        '\u01C5', // TitlecaseLetter
        '\u02B0', // ModifierLetter
        '\u05D0', // OtherLetter
        '\u0300', // NonSpacingMark
        '\u0903', // SpacingCombiningMark
        '\u20DD', // EnclosingMark
        '\u0660', // DecimalDigitNumber
        '\u2160', // LetterNumber
        '\u00B2', // OtherNumber
        '\u00A0', // SpaceSeparator
        '\u2028', // LineSeparator
        '\u2029', // ParagraphSeparator
        '\u0080', // Control
        '\u00AD', // Format
        '\uFFFD', // Surrogate (unused)
        '\uE000', // PrivateUse
        '\u203F', // ConnectorPunctuation
        '\u2010', // DashPunctuation
        '\u2045', // OpenPunctuation
        '\u2046', // ClosePunctuation
        '\u00AB', // InitialQuotePunctuation
        '\u00BB', // FinalQuotePunctuation
        '\u00A1', // OtherPunctuation
        '\u00AC', // MathSymbol
        '\u00A4', // CurrencySymbol
        '\u00A8', // ModifierSymbol
        '\u00A6', // OtherSymbol
        '\u0378', // OtherNotAssigned
    ];

    /// <summary>The stand-in used for astral code points of <paramref name="category"/>.</summary>
    public static char StandInFor(UnicodeCategory category) => StandIns[(int)category];

    /// <summary>True when <paramref name="text"/> holds a surrogate pair that needs a stand-in.</summary>
    public static bool IsNeeded(ReadOnlySpan<char> text) => text.ContainsAnyInRange('\uD800', '\uDFFF');

    /// <summary>
    /// Returns <paramref name="text"/> with every surrogate pair replaced by its stand-in, and
    /// <paramref name="sourceIndex"/> mapping each index of the result (and its end) back into <paramref name="text"/>.
    /// </summary>
    public static string Substitute(string text, out int[] sourceIndex)
    {
        var result = new StringBuilder(text.Length);
        var map = new List<int>(text.Length + 1);
        for (var i = 0; i < text.Length; i++)
        {
            map.Add(i);
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                result.Append(StandInFor(CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[i], text[i + 1]))));
                i++;
            }
            else
            {
                result.Append(text[i]);
            }
        }

        map.Add(text.Length);
        sourceIndex = [.. map];
        return result.ToString();
    }
}
