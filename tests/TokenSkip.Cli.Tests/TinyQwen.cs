using TokenSkip.Models.Configuration;
using TokenSkip.Models.Transformer;
using TokenSkip.TestSupport;

namespace TokenSkip.Cli.Tests;

/// <summary>A tiny random Qwen2 checkpoint with the real Qwen2.5 vocabulary, so text prompts work end to end.</summary>
internal static class TinyQwen
{
    /// <summary>Writes the checkpoint and the shared Qwen2.5 tokenizer.json into <paramref name="folder"/> (skips without ../shared).</summary>
    public static void Write(string folder)
    {
        var tokenizer = SharedAssets.Require("tokenizers/qwen2.5/tokenizer.json");
        var config = new TransformerConfig
        {
            Architecture = ModelArchitecture.Qwen2, ModelType = "qwen2", HiddenSize = 8, IntermediateSize = 16, LayerCount = 1,
            HeadCount = 2, KeyValueHeadCount = 1, HeadDim = 4, VocabularySize = 151936, MaxPositions = 256, RmsNormEpsilon = 1e-6,
            RopeTheta = 1e6, TieWordEmbeddings = true, AttentionBias = true, EosTokenIds = [151645, 151643],
        };
        using (var model = new CausalLanguageModel(config).InitializeRandom(1))
        {
            model.Save(folder);
        }

        File.Copy(tokenizer, Path.Combine(folder, "tokenizer.json"));
    }
}
