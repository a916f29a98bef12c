using TokenSkip.Core;
using TokenSkip.Core.Prompts;
using TokenSkip.Models.Configuration;
using TokenSkip.Models.Tokenization;
using TokenSkip.Models.Transformer;

namespace TokenSkip.LoadBench;

/// <summary>
/// A seeded random Qwen2 of about 3.5 million parameters (hidden 256, 4 layers, GQA 8/2 heads, a 1024-token byte-level BPE
/// trained on chat-formatted arithmetic questions) for exercising the server when the embedded model is not built.
/// Its text is noise; its cost per token is that of a small real decoder.
/// </summary>
internal static class RandomQwenModel
{
    public static string Write(string folder, int seed = 7)
    {
        var texts = Enumerable.Range(0, 400).SelectMany(i =>
        {
            var question = Workload.Question(i);
            return new[]
            {
                TokenSkipPromptBuilder.BuildPrompt(ModelFamily.Qwen2, question, new CompressionRatio(0.5 + i % 6 * 0.1)),
                ChatTemplates.For(ModelFamily.Qwen2).Render([new PromptMessage(PromptMessage.UserRole, question)], addGenerationPrompt: true),
                $"First, {i} + {i % 9} = {i + i % 9}. Then {i + i % 9} × 2 = {2 * (i + i % 9)}.\n\nThe final answer is: $\\boxed{{{2 * (i + i % 9)}}}$",
            };
        });
        BpeTokenizerTrainer.Train(texts, folder, new BpeTrainingOptions { VocabularySize = 1024 });
        var vocabulary = HfTokenizer.Load(folder).VocabularySize;
        var config = new TransformerConfig
        {
            Architecture = ModelArchitecture.Qwen2, ModelType = "qwen2", HiddenSize = 256, IntermediateSize = 688, LayerCount = 4,
            HeadCount = 8, KeyValueHeadCount = 2, HeadDim = 32, VocabularySize = vocabulary, MaxPositions = 2048, RmsNormEpsilon = 1e-6,
            RopeTheta = 1_000_000, TieWordEmbeddings = true, AttentionBias = true, EosTokenIds = [vocabulary - 1],
        };
        using var model = new CausalLanguageModel(config).InitializeRandom(seed);
        model.Save(folder);
        return folder;
    }
}
