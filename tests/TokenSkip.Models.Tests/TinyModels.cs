using TokenSkip.Models.Configuration;

namespace TokenSkip.Models.Tests;

/// <summary>Small configurations for tests that build random models in memory (no files, no ../shared).</summary>
internal static class TinyModels
{
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
