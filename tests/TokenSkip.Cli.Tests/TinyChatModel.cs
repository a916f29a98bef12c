using System.Text.Json.Nodes;
using TokenSkip.Models.Configuration;
using TokenSkip.Models.Transformer;

namespace TokenSkip.Cli.Tests;

/// <summary>
/// Writes a tiny random Qwen2 model folder with a byte-level tokenizer.json (256 byte symbols, no merges) and
/// Qwen's three special tokens, so commands that need text and a chat template can run end to end.
/// </summary>
internal static class TinyChatModel
{
    public const int EndOfText = 256;
    public const int ImStart = 257;
    public const int ImEnd = 258;

    public static TransformerConfig Config { get; } = new()
    {
        Architecture = ModelArchitecture.Qwen2, ModelType = "qwen2", HiddenSize = 32, IntermediateSize = 64, LayerCount = 2,
        HeadCount = 4, KeyValueHeadCount = 2, HeadDim = 8, VocabularySize = 264, MaxPositions = 512, RmsNormEpsilon = 1e-6,
        RopeTheta = 10000, TieWordEmbeddings = true, AttentionBias = true, EosTokenIds = [ImEnd],
    };

    public static void Write(string folder, int seed = 3)
    {
        using (var model = new CausalLanguageModel(Config).InitializeRandom(seed, std: 0.1))
        {
            model.Save(folder);
        }

        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), Tokenizer().ToJsonString());
    }

    private static JsonObject Tokenizer()
    {
        var vocab = new JsonObject();
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            // GPT-2's byte-to-symbol table.
            var printable = b is >= 33 and <= 126 or >= 161 and <= 172 or >= 174 and <= 255;
            vocab[((char)(printable ? b : next++)).ToString()] = b;
        }

        return new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JsonArray(Special(EndOfText, "<|endoftext|>"), Special(ImStart, "<|im_start|>"), Special(ImEnd, "<|im_end|>")),
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = true },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["fuse_unk"] = false,
                ["byte_fallback"] = false,
                ["ignore_merges"] = false,
                ["vocab"] = vocab,
                ["merges"] = new JsonArray(),
            },
        };
    }

    private static JsonObject Special(int id, string content) => new()
    {
        ["id"] = id, ["content"] = content, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
    };
}
