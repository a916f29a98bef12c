using System.Text.Json;
using System.Text.Json.Nodes;
using TokenSkip.Models.Tokenization;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Models.Tests.Tokenization;

public sealed class PieceVocabularyTokenizerTests
{
    // <unk>, BOS, EOS, the 256 byte pieces (ids 3..258), then " a" (259), "é" (260), "b" (261), " " (262), "a" (263).
    private static JsonObject TinyVocabulary()
    {
        var pieces = new JsonArray("<unk>", "\n<s>\n", "\n</s>\n");
        for (var b = 0; b < 256; b++)
        {
            pieces.Add($"<0x{b:X2}>");
        }

        foreach (var piece in (string[])[" a", "é", "b", " ", "a"])
        {
            pieces.Add(piece);
        }

        return new JsonObject { ["pieces"] = pieces, ["bos_id"] = 1, ["eos_id"] = 2 };
    }

    private static PieceVocabularyTokenizer Load(JsonObject vocabulary)
    {
        using var folder = new TempFolder();
        folder.Write("vocab.json", vocabulary.ToJsonString());
        return PieceVocabularyTokenizer.Load(folder.Path);
    }

    [Fact]
    public void BytePiecesDecodeAsRawUtf8Bytes()
    {
        var tokenizer = Load(TinyVocabulary());

        Assert.Equal("xé", tokenizer.Decode([0x78 + 3, 0xC3 + 3, 0xA9 + 3]));
        Assert.Equal("\uFFFD", tokenizer.Decode([0xC3 + 3]));
    }

    [Fact]
    public void BosAndEosDecodeToNothingAndSpaceAfterBosIsDropped()
    {
        var tokenizer = Load(TinyVocabulary());

        Assert.Equal("a a", tokenizer.Decode([1, 259, 259, 2]));
        Assert.Equal(" a", tokenizer.Decode([259]));
    }

    [Fact]
    public void EncodeMergesByScoreAndFallsBackToBytes()
    {
        var tokenizer = Load(TinyVocabulary());

        // " " + "a" merge into " a" (in the vocabulary); "ñ" is not a piece, so it becomes its two bytes.
        Assert.Equal([259, 260, 0xC3 + 3, 0xB1 + 3], tokenizer.Encode("aéñ"));
        Assert.Equal(" aéñ", tokenizer.Decode(tokenizer.Encode("aéñ")));
        Assert.Empty(tokenizer.Encode(""));
    }

    [Fact]
    public void LooksUpPiecesAsSpelled()
    {
        var tokenizer = Load(TinyVocabulary());

        Assert.True(tokenizer.TryGetTokenId(" a", out var id));
        Assert.Equal(259, id);
        Assert.False(tokenizer.TryGetTokenId("zz", out _));
        Assert.Equal(264, tokenizer.VocabularySize);
        Assert.Equal((1, 2), (tokenizer.BosTokenId, tokenizer.EosTokenId));
    }

    [Fact]
    public void UnknownIdIsNamed()
    {
        var tokenizer = Load(TinyVocabulary());

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([264]));

        Assert.Equal(264, error.ActualValue);
        Assert.Contains("token id 264 is not in vocab.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HuggingFaceStyleVocabularyIsRejectedNamingPieces()
    {
        var error = Assert.Throws<TokenizerFormatException>(() => Load(new JsonObject { ["a"] = 0 }));

        Assert.StartsWith("vocab.json: pieces is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ScoresOfTheWrongLengthAreRejected()
    {
        var vocabulary = TinyVocabulary();
        vocabulary["scores"] = new JsonArray(0.0, 1.0);

        var error = Assert.Throws<TokenizerFormatException>(() => Load(vocabulary));

        Assert.Equal("vocab.json: scores must be an array of 264 numbers, one per piece", error.Message);
    }

    [SkippableFact]
    public void Stories260kReferenceTextsDecodeAndPromptEncodes()
    {
        var folder = SharedAssets.Require("models/stories260k");
        var tokenizer = PieceVocabularyTokenizer.Load(folder);
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "expected.json")));
        var cases = expected.RootElement.GetProperty("cases").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);

        foreach (var name in (string[])["from_bos", "prompt"])
        {
            var ids = cases[name].GetProperty("greedy_ids").EnumerateArray().Select(id => id.GetInt32()).ToArray();
            Assert.Equal(cases[name].GetProperty("text").GetString(), tokenizer.Decode(ids));
        }

        var prompt = cases["prompt"];
        var promptIds = prompt.GetProperty("prompt_ids").EnumerateArray().Select(id => id.GetInt32()).ToArray();
        Assert.Equal(promptIds[1..], tokenizer.Encode(prompt.GetProperty("prompt_text").GetString()!)); // [0] is BOS
        Assert.Equal(512, tokenizer.VocabularySize);
    }
}
