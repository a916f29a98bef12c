using TokenSkip.Core.Prompts;
using TokenSkip.Models.Configuration;
using TokenSkip.Models.Tokenization;
using TokenSkip.Models.Transformer;
using TokenSkip.Pipeline.Synthetic;

namespace TokenSkip.Plugins.Tests;

/// <summary>(As in the pipeline tests.) A tiny random Qwen2 model with a BPE tokenizer trained on synthetic problems, written to a folder (no ../shared needed).</summary>
internal static class TinyQwen
{
    public static string Write(string folder, int seed = 1)
    {
        var texts = WordProblemGenerator.Generate(seed, 200)
            .SelectMany(p => new[] { TokenSkipPromptBuilder.BuildPrompt(ModelFamily.Qwen2, p.Question, new TokenSkip.Core.CompressionRatio(0.6)), p.Cot });
        BpeTokenizerTrainer.Train(texts, folder, new BpeTrainingOptions { VocabularySize = 400 });
        var vocabulary = HfTokenizer.Load(folder).VocabularySize;
        var config = new TransformerConfig
        {
            Architecture = ModelArchitecture.Qwen2, ModelType = "qwen2", HiddenSize = 32, IntermediateSize = 64, LayerCount = 2,
            HeadCount = 4, KeyValueHeadCount = 2, HeadDim = 8, VocabularySize = vocabulary, MaxPositions = 512, RmsNormEpsilon = 1e-6,
            RopeTheta = 10000, TieWordEmbeddings = true, AttentionBias = true, EosTokenIds = [vocabulary - 1],
        };
        using var model = new CausalLanguageModel(config).InitializeRandom(seed, std: 0.3);
        model.Save(folder);
        return folder;
    }
}
