using System.Text.Json.Nodes;
using TokenSkip.Models.Tokenization;
using Xunit;
using static TokenSkip.Models.Tests.Tokenization.TinyTokenizerJson;

using TokenSkip.TestSupport;

namespace TokenSkip.Models.Tests.Tokenization;

public sealed class HfTokenizerFormatErrorTests
{
    private static TokenizerFormatException LoadFails(Action<JsonObject> edit)
    {
        var json = Create();
        edit(json);
        using var folder = new TempFolder();
        WriteTo(folder, json);
        return Assert.Throws<TokenizerFormatException>(() => HfTokenizer.Load(folder.Path));
    }

    private static JsonObject Model(JsonObject json) => json["model"]!.AsObject();

    [Fact]
    public void MissingFileNamesThePath()
    {
        using var folder = new TempFolder();

        var error = Assert.Throws<FileNotFoundException>(() => HfTokenizer.Load(folder.Path));

        Assert.Contains(Path.Combine(folder.Path, "tokenizer.json"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidJsonNamesTheFile()
    {
        using var folder = new TempFolder();
        var file = folder.Write("tokenizer.json", "{ \"model\": ");

        var error = Assert.Throws<TokenizerFormatException>(() => HfTokenizer.Load(file));

        Assert.StartsWith("tokenizer.json: is not valid JSON", error.Message, StringComparison.Ordinal);
        Assert.Equal(file, error.FilePath);
    }

    [Fact]
    public void MissingVocabulary()
    {
        var error = LoadFails(json => Model(json).Remove("vocab"));

        Assert.Equal("tokenizer.json: model.vocab is missing (expected an object mapping token text to id)", error.Message);
        Assert.Equal("model.vocab", error.Field);
    }

    [Fact]
    public void VocabularyIdThatIsNotANumber()
    {
        var error = LoadFails(json => Model(json)["vocab"]!["abc"] = "x");

        Assert.Equal("tokenizer.json: model.vocab[\"abc\"] must be a non-negative integer id", error.Message);
    }

    [Fact]
    public void VocabularyWithoutEveryByteSymbol()
    {
        var error = LoadFails(json => Model(json)["vocab"]!.AsObject().Remove("\u0100"));

        Assert.Equal("tokenizer.json: model.vocab lacks the byte-level symbol \"\u0100\" for byte 0x00", error.Message);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("\"a b c\"")]
    [InlineData("\"abc\"")]
    [InlineData("[\"a\"]")]
    [InlineData("[\"a\", 1]")]
    public void MalformedMergeEntry(string entry)
    {
        var error = LoadFails(json => Model(json)["merges"]!.AsArray().Add(JsonNode.Parse(entry)));

        Assert.Equal("tokenizer.json: model.merges[1] must be \"a b\" or [\"a\",\"b\"]", error.Message);
        Assert.Equal("model.merges[1]", error.Field);
    }

    [Fact]
    public void MergeOfATokenOutsideTheVocabulary()
    {
        var error = LoadFails(json => Model(json)["merges"] = new JsonArray(new JsonArray("b", "zz")));

        Assert.Equal("tokenizer.json: model.merges[0] uses \"zz\", which is not in model.vocab", error.Message);
    }

    [Fact]
    public void MergeWhoseResultIsOutsideTheVocabulary()
    {
        var error = LoadFails(json => Model(json)["merges"] = new JsonArray("a b"));

        Assert.Equal("tokenizer.json: model.merges[0] uses \"ab\", which is not in model.vocab", error.Message);
    }

    [Fact]
    public void ModelThatIsNotBpe()
    {
        var error = LoadFails(json => Model(json)["type"] = "WordPiece");

        Assert.Equal("tokenizer.json: model.type \"WordPiece\" is not supported (only byte-level \"BPE\")", error.Message);
    }

    [Fact]
    public void ByteFallbackModel()
    {
        var error = LoadFails(json => Model(json)["byte_fallback"] = true);

        Assert.Equal("model.byte_fallback", error.Field);
    }

    [Fact]
    public void UnknownNormalizer()
    {
        var error = LoadFails(json => json["normalizer"] = new JsonObject { ["type"] = "Lowercase" });

        Assert.Equal("tokenizer.json: normalizer.type \"Lowercase\" is not supported (supported: NFC, NFD, NFKC, NFKD, Sequence)", error.Message);
    }

    [Fact]
    public void UnknownPreTokenizer()
    {
        var error = LoadFails(json => json["pre_tokenizer"] = new JsonObject { ["type"] = "Metaspace", ["replacement"] = "▁" });

        Assert.Equal("tokenizer.json: pre_tokenizer.type \"Metaspace\" is not supported (supported: Sequence, Split, ByteLevel)", error.Message);
    }

    [Fact]
    public void PreTokenizerWithoutByteLevel()
    {
        var error = LoadFails(json => json["pre_tokenizer"]!["pretokenizers"]!.AsArray().RemoveAt(1));

        Assert.Equal("tokenizer.json: pre_tokenizer has no ByteLevel step (only byte-level BPE is supported)", error.Message);
    }

    [Fact]
    public void SplitRegexThatDotNetRejects()
    {
        var error = LoadFails(json => json["pre_tokenizer"]!["pretokenizers"]![0]!["pattern"]!["Regex"] = "(");

        Assert.StartsWith("tokenizer.json: pre_tokenizer.pretokenizers[0].pattern.Regex is not a regex .NET accepts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SplitWithUnsupportedBehavior()
    {
        var error = LoadFails(json => json["pre_tokenizer"]!["pretokenizers"]![0]!["behavior"] = "MergedWithPrevious");

        Assert.Equal("pre_tokenizer.pretokenizers[0].behavior", error.Field);
    }

    [Fact]
    public void AddedTokenWithoutContent()
    {
        var error = LoadFails(json => json["added_tokens"]![1]!.AsObject().Remove("content"));

        Assert.Equal("tokenizer.json: added_tokens[1].content must be a non-empty string", error.Message);
    }

    [Fact]
    public void AddedTokenContentGivenTwice()
    {
        var error = LoadFails(json => json["added_tokens"]![2]!["content"] = "<|eot_id|>");

        Assert.Equal("tokenizer.json: added_tokens[2].content \"<|eot_id|>\" repeats added_tokens[0]", error.Message);
    }

    [Fact]
    public void ConfigEosTokenThatIsNotAToken()
    {
        using var folder = new TempFolder();
        WriteTo(folder, Create());
        folder.Write("tokenizer_config.json", """{"eos_token": "<nope>"}""");

        var error = Assert.Throws<TokenizerFormatException>(() => HfTokenizer.Load(folder.Path));

        Assert.Equal("tokenizer_config.json: eos_token \"<nope>\" is not a token of tokenizer.json", error.Message);
    }

    [Fact]
    public void ConfigThatIsNotJson()
    {
        using var folder = new TempFolder();
        WriteTo(folder, Create());
        folder.Write("tokenizer_config.json", "not json");

        var error = Assert.Throws<TokenizerFormatException>(() => HfTokenizer.Load(folder.Path));

        Assert.StartsWith("tokenizer_config.json: is not valid JSON", error.Message, StringComparison.Ordinal);
    }
}
