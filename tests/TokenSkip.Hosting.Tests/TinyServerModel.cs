using TokenSkip.Core;
using TokenSkip.Core.Prompts;
using TokenSkip.Models.Configuration;
using TokenSkip.Models.Tokenization;
using TokenSkip.Models.Transformer;

namespace TokenSkip.Hosting.Tests;

/// <summary>
/// Writes a tiny random Qwen2 model folder with a real byte-level BPE tokenizer.json (trained on chat-formatted
/// arithmetic questions, with Qwen's three special tokens), so the server runs end to end without ../shared.
/// </summary>
internal static class TinyServerModel
{
    public static string Write(string folder, int seed = 1)
    {
        var chat = ChatTemplates.For(ModelFamily.Qwen2);
        var texts = Enumerable.Range(0, 120).SelectMany(i =>
        {
            var question = $"Tom has {i + 3} apples and buys {i % 7 + 2} more. How many apples does he have now?";
            var answer = $"He has {i + 3} + {i % 7 + 2} = {i + 3 + i % 7 + 2} apples.\n\nThe final answer is: $\\boxed{{{i + 3 + i % 7 + 2}}}$";
            return new[]
            {
                TokenSkipPromptBuilder.BuildPrompt(ModelFamily.Qwen2, question, new CompressionRatio(0.5 + i % 6 * 0.1)),
                chat.Render([new PromptMessage(PromptMessage.UserRole, question)], addGenerationPrompt: true),
                answer,
            };
        });
        BpeTokenizerTrainer.Train(texts, folder, new BpeTrainingOptions { VocabularySize = 400 });
        var vocabulary = HfTokenizer.Load(folder).VocabularySize;
        var config = new TransformerConfig
        {
            Architecture = ModelArchitecture.Qwen2, ModelType = "qwen2", HiddenSize = 32, IntermediateSize = 64, LayerCount = 2,
            HeadCount = 4, KeyValueHeadCount = 2, HeadDim = 8, VocabularySize = vocabulary, MaxPositions = 1024, RmsNormEpsilon = 1e-6,
            RopeTheta = 10000, TieWordEmbeddings = true, AttentionBias = true, EosTokenIds = [vocabulary - 1],
        };
        using var model = new CausalLanguageModel(config).InitializeRandom(seed, std: 0.3);
        model.Save(folder);
        return folder;
    }
}
