using TokenSkip.Models.Configuration;
using TokenSkip.Models.Runtime;
using TokenSkip.Models.Transformer;
using TokenSkip.TestSupport;
using TorchSharp;

namespace TokenSkip.Models.Tests;

/// <summary>Small random checkpoints written by the tests themselves (no ../shared needed).</summary>
internal static class TinyModels
{
    public static TransformerConfig Config(ModelArchitecture architecture = ModelArchitecture.Qwen2, bool tied = true,
        int maxPositions = 128) => new()
    {
        Architecture = architecture,
        ModelType = architecture == ModelArchitecture.Qwen2 ? "qwen2" : "llama",
        HiddenSize = 32,
        IntermediateSize = 64,
        LayerCount = 2,
        HeadCount = 4,
        KeyValueHeadCount = 2,
        HeadDim = 8,
        VocabularySize = 96,
        MaxPositions = maxPositions,
        RmsNormEpsilon = 1e-6,
        RopeTheta = 10000,
        TieWordEmbeddings = tied,
        AttentionBias = architecture == ModelArchitecture.Qwen2,
        EosTokenIds = [95],
    };

    /// <summary>A random model in memory (std 0.5 so that greedy outputs vary from token to token).</summary>
    public static CausalLanguageModel Create(TransformerConfig? config = null, int seed = 1, torch.ScalarType? dtype = null) =>
        new CausalLanguageModel(config ?? Config(), new ModelLoadOptions { DType = dtype }).InitializeRandom(seed, std: 0.5);

    /// <summary>Writes a random checkpoint folder and returns its path.</summary>
    public static string Write(TempFolder folder, TransformerConfig? config = null, int seed = 1)
    {
        using var model = Create(config, seed);
        var path = folder.Combine("model");
        model.Save(path);
        return path;
    }

    /// <summary>A Qwen2-like decoder with odd widths (so SIMD loops have tails) and grouped-query attention.</summary>
    public static TransformerConfig Qwen2(bool tied = true) => new()
    {
        Architecture = ModelArchitecture.Qwen2,
        ModelType = "qwen2",
        HiddenSize = 72,
        IntermediateSize = 197,
        LayerCount = 2,
        HeadCount = 6,
        KeyValueHeadCount = 2,
        HeadDim = 12,
        VocabularySize = 301,
        MaxPositions = 128,
        RmsNormEpsilon = 1e-6,
        RopeTheta = 1_000_000,
        TieWordEmbeddings = tied,
        AttentionBias = true,
        EosTokenIds = [300],
    };
}
