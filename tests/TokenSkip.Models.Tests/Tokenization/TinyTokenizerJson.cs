using System.Text.Json.Nodes;

using TokenSkip.TestSupport;

namespace TokenSkip.Models.Tests.Tokenization;

/// <summary>
/// Builds a small Llama-3-style tokenizer.json: the 256 byte-level symbols (id = byte value), a few words,
/// one merge ("b c"), three added tokens, no normalizer, and Llama 3's split regex (digits in groups of
/// up to three) followed by ByteLevel.
/// </summary>
internal static class TinyTokenizerJson
{
    public const string Llama3Pattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    public const int Bc = 256;
    public const int Abc = 257;
    public const int Digits123 = 258;
    public const int EndOfTurn = 300;
    public const int BeginOfText = 301;
    public const int Note = 302;

    /// <summary>The byte-level symbol of a space ('Ġ'), whose id is 32.</summary>
    public const string SpaceSymbol = "\u0120";

    public static JsonObject Create(bool ignoreMerges = true, bool mergesAsPairs = true)
    {
        var vocab = new JsonObject();
        foreach (var (symbol, id) in ByteSymbols())
        {
            vocab[symbol] = id;
        }

        vocab["bc"] = Bc;
        vocab["abc"] = Abc;
        vocab["123"] = Digits123;

        return new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JsonArray(
                AddedToken(EndOfTurn, "<|eot_id|>", special: true),
                AddedToken(BeginOfText, "<|begin_of_text|>", special: true),
                AddedToken(Note, "<note>", special: false)),
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject
                    {
                        ["type"] = "Split",
                        ["pattern"] = new JsonObject { ["Regex"] = Llama3Pattern },
                        ["behavior"] = "Isolated",
                        ["invert"] = false,
                    },
                    new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = false }),
            },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null,
                ["fuse_unk"] = false,
                ["byte_fallback"] = false,
                ["ignore_merges"] = ignoreMerges,
                ["vocab"] = vocab,
                ["merges"] = mergesAsPairs ? new JsonArray(new JsonArray("b", "c")) : new JsonArray("b c"),
            },
        };
    }

    /// <summary>Writes <paramref name="json"/> as tokenizer.json into <paramref name="folder"/>.</summary>
    public static string WriteTo(TempFolder folder, JsonObject json) => folder.Write("tokenizer.json", json.ToJsonString());

    // GPT-2's byte-to-symbol table, written out independently of the code under test.
    private static IEnumerable<(string Symbol, int Id)> ByteSymbols()
    {
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= 33 and <= 126 or >= 161 and <= 172 or >= 174 and <= 255;
            yield return (((char)(printable ? b : next++)).ToString(), b);
        }
    }

    private static JsonObject AddedToken(int id, string content, bool special) => new()
    {
        ["id"] = id,
        ["content"] = content,
        ["single_word"] = false,
        ["lstrip"] = false,
        ["rstrip"] = false,
        ["normalized"] = !special,
        ["special"] = special,
    };
}
