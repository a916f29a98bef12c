using System.Text.Json.Nodes;
using TokenSkip.Models.Tokenization;
using Xunit;
using static TokenSkip.Models.Tests.Tokenization.TinyTokenizerJson;

using TokenSkip.TestSupport;

namespace TokenSkip.Models.Tests.Tokenization;

public sealed class HfTokenizerTests
{
    private static HfTokenizer Load(JsonObject json)
    {
        using var folder = new TempFolder();
        WriteTo(folder, json);
        return HfTokenizer.Load(folder.Path);
    }

    [Fact]
    public void IgnoreMergesEmitsPreTokensThatAreVocabularyEntriesWhole()
    {
        var tokenizer = Load(Create(ignoreMerges: true));

        Assert.Equal([Abc], tokenizer.Encode("abc"));
        Assert.Equal([Digits123, '4', '5'], tokenizer.Encode("12345")); // \p{N}{1,3}: "123" | "45"
        Assert.Equal(['x', Bc], tokenizer.Encode("xbc")); // not an entry: merged as usual
    }

    [Fact]
    public void WithoutIgnoreMergesTheSameTextIsMerged()
    {
        var tokenizer = Load(Create(ignoreMerges: false));

        Assert.Equal(['a', Bc], tokenizer.Encode("abc"));
        Assert.Equal(['1', '2', '3', '4', '5'], tokenizer.Encode("12345"));
    }

    [Fact]
    public void MergesAsStringsAndAsPairsGiveTheSameIds()
    {
        var fromPairs = Load(Create(ignoreMerges: false, mergesAsPairs: true));
        var fromStrings = Load(Create(ignoreMerges: false, mergesAsPairs: false));

        Assert.Equal(['a', Bc, ' ', Bc], fromPairs.Encode("abc bc"));
        Assert.Equal(fromPairs.Encode("abc bc"), fromStrings.Encode("abc bc"));
    }

    [Fact]
    public void AddedTokensInsideTextMapToTheirIdsAndDecodeBack()
    {
        var tokenizer = Load(Create());
        const string text = "<|begin_of_text|>hi<|eot_id|>there<note>!";

        var ids = tokenizer.Encode(text);

        Assert.Equal([BeginOfText, 'h', 'i', EndOfTurn, 't', 'h', 'e', 'r', 'e', Note, '!'], ids);
        Assert.Equal(text, tokenizer.Decode(ids));
        Assert.Equal(new Dictionary<string, int> { ["<|eot_id|>"] = EndOfTurn, ["<|begin_of_text|>"] = BeginOfText }, tokenizer.SpecialTokens);
        Assert.Equal(303, tokenizer.VocabularySize);
    }

    [Fact]
    public void LeftStrippingAddedTokenSwallowsSpaceBeforeIt()
    {
        var json = Create();
        json["added_tokens"]!.AsArray()[2]!["lstrip"] = true;
        var tokenizer = Load(json);

        Assert.Equal(['a', Note, ' ', 'b'], tokenizer.Encode("a  <note> b"));
    }

    [Fact]
    public void LoneByteLevelWithRegexSplitsLikeGpt2()
    {
        var json = Create(ignoreMerges: true);
        json["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true };
        var tokenizer = Load(json);

        // GPT-2's regex splits "abc" | " abc"; only the first is a vocabulary entry.
        Assert.Equal([Abc, ' ', 'a', Bc], tokenizer.Encode("abc abc"));
    }

    [Fact]
    public void RoundTripsBytesOfEveryKind()
    {
        var tokenizer = Load(Create());
        const string text = "tab\there\r\nnul\0 é 你 🤖 \u00A0end";

        Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
    }

    [Fact]
    public void LoneSurrogateEncodesAsReplacementCharacter()
    {
        var tokenizer = Load(Create());

        Assert.Equal(tokenizer.Encode("a\uFFFDb"), tokenizer.Encode("a\uD800b"));
    }

    [Fact]
    public void LoadsFromTheFilePathAndReadsConfigTokens()
    {
        using var folder = new TempFolder();
        var file = WriteTo(folder, Create());
        folder.Write("tokenizer_config.json", """{"bos_token": "<|begin_of_text|>", "eos_token": {"content": "<|eot_id|>", "lstrip": false}}""");

        var tokenizer = HfTokenizer.Load(file);

        Assert.Equal("<|begin_of_text|>", tokenizer.BosToken);
        Assert.Equal("<|eot_id|>", tokenizer.EosToken);
        Assert.Equal(file, tokenizer.FilePath);
    }

    [Fact]
    public void TryGetTokenIdFindsAddedTokensAndByteLevelEntries()
    {
        var tokenizer = Load(Create());

        Assert.True(tokenizer.TryGetTokenId("<|eot_id|>", out var eot));
        Assert.Equal(EndOfTurn, eot);
        Assert.True(tokenizer.TryGetTokenId(SpaceSymbol, out var space));
        Assert.Equal(32, space);
        Assert.False(tokenizer.TryGetTokenId("<|im_end|>", out _));
    }

    [Fact]
    public void DecodingAnUnknownIdNamesIt()
    {
        var tokenizer = Load(Create());

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([97, 303]));

        Assert.Equal(303, error.ActualValue);
        Assert.Contains("token id 303 is not in tokenizer.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodingAnIdInAGapOfTheVocabularyNamesIt()
    {
        var tokenizer = Load(Create());

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([299]));

        Assert.Equal(299, error.ActualValue);
    }
}
