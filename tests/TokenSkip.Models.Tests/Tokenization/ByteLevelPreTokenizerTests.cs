using System.Globalization;
using System.Text.RegularExpressions;
using TokenSkip.Models.Tokenization;
using Xunit;

namespace TokenSkip.Models.Tests.Tokenization;

public sealed class ByteLevelPreTokenizerTests
{
    private const string QwenPattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private static string[] Split(string pattern, string text)
    {
        var pieces = new List<Range>();
        new ByteLevelPreTokenizer([new Regex(pattern)]).Split(text, pieces);
        return [.. pieces.Select(r => text[r])];
    }

    [Fact]
    public void AstralLettersStayInsideWordsAsWithCodePointRegexes()
    {
        // 𝔘 (U+1D518) and 𠀀 (U+20000) are letters; a UTF-16 regex alone would see two surrogates and split.
        Assert.Equal(["a𝔘b", " 你𠀀好", " x"], Split(QwenPattern, "a𝔘b 你𠀀好 x"));
    }

    [Fact]
    public void AstralDigitsAndSymbolsKeepTheirCategories()
    {
        // 𝟙 (U+1D7D9) is a digit: split alone like any \p{N}; 🤖 is a symbol, grouped with the next symbol.
        Assert.Equal(["x", "𝟙", "𝟚", " 🤖🔥"], Split(QwenPattern, "x𝟙𝟚 🤖🔥"));
    }

    [Fact]
    public void Llama3PatternGroupsDigitsInThrees()
    {
        Assert.Equal(["123", "456", "7", " apples"], Split(TinyTokenizerJson.Llama3Pattern, "1234567 apples"));
    }

    [Fact]
    public void TextBetweenMatchesIsAPieceToo()
    {
        Assert.Equal(["a", "b", "cd", "b"], Split("b", "abcdb"));
    }

    [Fact]
    public void EveryStandInHasTheCategoryItStandsFor()
    {
        foreach (var category in Enum.GetValues<UnicodeCategory>().Where(c => c != UnicodeCategory.Surrogate))
        {
            Assert.Equal(category, CharUnicodeInfo.GetUnicodeCategory(AstralCharacterProxy.StandInFor(category)));
        }
    }

    [Fact]
    public void SubstituteMapsIndicesBackToTheSource()
    {
        var substitute = AstralCharacterProxy.Substitute("a𝔘b", out var sourceIndex);

        Assert.Equal(3, substitute.Length);
        Assert.Equal([0, 1, 3, 4], sourceIndex);
    }
}
