using TokenSkip.Core;
using TokenSkip.Core.Prompts;
using TokenSkip.Models.Configuration;
using TokenSkip.Models.Tokenization;
using TokenSkip.Models.Transformer;
using TokenSkip.Pipeline.Synthetic;

namespace TokenSkip.TestSupport.Models;

/// <summary>Tiny random Qwen2 model folders for tests that run text end to end.</summary>
public static class TinyQwen
{
    /// <summary>
    /// Writes a tiny random Qwen2 model with a byte-level BPE tokenizer.json trained on synthetic problems in TokenSkip's
    /// and the plain chat template's formats (Qwen's three special tokens included); needs no ../shared.
    /// </summary>
    public static string Write(string folder, int seed = 1, int maxPositions = 512)
    {
        var chat = ChatTemplates.For(ModelFamily.Qwen2);
        var texts = WordProblemGenerator.Generate(seed, 200).SelectMany((p, i) => new[]
        {
            TokenSkipPromptBuilder.BuildPrompt(ModelFamily.Qwen2, p.Question, CompressionRatio.TrainingRatios[i % 6]),
            chat.Render([new PromptMessage(PromptMessage.UserRole, p.Question)], addGenerationPrompt: true),
            p.Cot,
        });
        BpeTokenizerTrainer.Train(texts, folder, new BpeTrainingOptions { VocabularySize = 400 });
        var vocabulary = HfTokenizer.Load(folder).VocabularySize;
        SaveRandom(folder, Config(vocabulary, maxPositions, hidden: 32, layers: 2, heads: 4, kvHeads: 2, eos: [vocabulary - 1]), seed, std: 0.3);
        return folder;
    }

    /// <summary>
    /// Writes a tiny random Qwen2 model with the real Qwen2.5 vocabulary and tokenizer.json from ../shared (skips the
    /// test when it is absent), for tests that check exact Qwen token ids.
    /// </summary>
    public static string WriteWithQwenTokenizer(string folder)
    {
        var tokenizer = SharedAssets.Require("tokenizers/qwen2.5/tokenizer.json");
        Directory.CreateDirectory(folder);
        SaveRandom(folder, Config(151936, maxPositions: 256, hidden: 8, layers: 1, heads: 2, kvHeads: 1, eos: [151645, 151643]), seed: 1, std: 0.02);
        File.Copy(tokenizer, Path.Combine(folder, "tokenizer.json"), overwrite: true);
        return folder;
    }

    private static void SaveRandom(string folder, TransformerConfig config, int seed, double std)
    {
        using var model = new CausalLanguageModel(config).InitializeRandom(seed, std);
        model.Save(folder);
    }

    private static TransformerConfig Config(int vocabulary, int maxPositions, int hidden, int layers, int heads, int kvHeads, IReadOnlyList<int> eos) => new()
    {
        Architecture = ModelArchitecture.Qwen2,
        ModelType = "qwen2",
        HiddenSize = hidden,
        IntermediateSize = 2 * hidden,
        LayerCount = layers,
        HeadCount = heads,
        KeyValueHeadCount = kvHeads,
        HeadDim = hidden / heads,
        VocabularySize = vocabulary,
        MaxPositions = maxPositions,
        RmsNormEpsilon = 1e-6,
        RopeTheta = 10000,
        TieWordEmbeddings = true,
        AttentionBias = true,
        EosTokenIds = eos,
    };
}
