using TokenSkip.Models.Encoders;
using TokenSkip.TestSupport;

namespace TokenSkip.Models.Tests.Encoders;

/// <summary>Tiny random LLMLingua-2-style classifiers written by the tests (a committed 2 KB SentencePiece model for XLM-R).</summary>
internal static class TinyEncoders
{
    /// <summary>The committed tiny SentencePiece Unigram model (see Assets/TinySentencePiece/make_model.py).</summary>
    public static string SentencePieceModel { get; } =
        Path.Combine(SharedAssets.RepositoryRoot, "tests", "TokenSkip.Models.Tests", "Assets", "TinySentencePiece", XlmRobertaTokenizer.FileName);

    /// <summary>Its piece count (see make_model.py's output).</summary>
    public const int SentencePieceCount = 96;

    /// <summary>A WordPiece vocabulary for the BERT tests: specials, punctuation, digits, some words and continuations.</summary>
    public static readonly string[] BertVocabulary =
    [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ",", ":", "=", "+", "-", "*", "$", "!", "(", ")", "'", "/",
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "##0", "##1", "##2", "##3", "##4", "##5", "##6", "##7", "##8", "##9",
        "Jan", "##et", "has", "eggs", "She", "she", "eats", "for", "breakfast", "and", "bakes", "muff", "##ins", "with",
        "So", "sells", "at", "each", "which", "makes", "dollars", "Step", "find", "the", "total", "answer", "is", "The",
        "walk", "##ing", "caf", "##é", "cafe",
    ];

    public static EncoderConfig Config(EncoderArchitecture architecture, int vocabularySize) => new()
    {
        Architecture = architecture,
        VocabularySize = vocabularySize,
        HiddenSize = 16,
        LayerCount = 2,
        HeadCount = 2,
        IntermediateSize = 32,
        MaxPositions = architecture == EncoderArchitecture.XlmRoberta ? 514 : 512,
        TypeVocabularySize = architecture == EncoderArchitecture.XlmRoberta ? 1 : 2,
        LayerNormEpsilon = architecture == EncoderArchitecture.XlmRoberta ? 1e-5 : 1e-12,
        PadTokenId = architecture == EncoderArchitecture.XlmRoberta ? 1 : 0,
        LabelCount = 2,
    };

    /// <summary>Writes an XLM-RoBERTa token classifier folder (config, weights, SentencePiece model) and returns it.</summary>
    public static string WriteXlmRoberta(TempFolder folder, int seed = 7, string name = "xlmr")
    {
        var path = folder.Combine(name);
        using (var model = new TokenClassificationModel(Config(EncoderArchitecture.XlmRoberta, SentencePieceCount + 2)).InitializeRandom(seed, std: 0.5))
        {
            model.Save(path);
        }

        File.Copy(SentencePieceModel, Path.Combine(path, XlmRobertaTokenizer.FileName));
        return path;
    }

    /// <summary>Writes a BERT token classifier folder (config, weights, vocab.txt, cased tokenizer_config.json) and returns it.</summary>
    public static string WriteBert(TempFolder folder, int seed = 7, string name = "bert")
    {
        var path = folder.Combine(name);
        using (var model = new TokenClassificationModel(Config(EncoderArchitecture.Bert, BertVocabulary.Length)).InitializeRandom(seed, std: 0.5))
        {
            model.Save(path);
        }

        File.WriteAllLines(Path.Combine(path, WordPieceTokenizer.FileName), BertVocabulary);
        File.WriteAllText(Path.Combine(path, "tokenizer_config.json"), "{\"do_lower_case\": false}");
        return path;
    }
}
