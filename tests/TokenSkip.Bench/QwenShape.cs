using TokenSkip.Models.Configuration;

namespace TokenSkip.Bench;

/// <summary>The shape of Qwen2.5-0.5B (Instruct), the model the benchmark's random weights take.</summary>
internal static class QwenShape
{
    public static TransformerConfig Config { get; } = new()
    {
        Architecture = ModelArchitecture.Qwen2,
        ModelType = "qwen2",
        HiddenSize = 896,
        IntermediateSize = 4864,
        LayerCount = 24,
        HeadCount = 14,
        KeyValueHeadCount = 2,
        HeadDim = 64,
        VocabularySize = 151936,
        MaxPositions = 32768,
        RmsNormEpsilon = 1e-6,
        RopeTheta = 1_000_000,
        TieWordEmbeddings = true,
        AttentionBias = true,
        BosTokenId = 151643,
        EosTokenIds = [151645, 151643],
    };
}
