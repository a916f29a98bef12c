using System.Text.Json;
using TokenSkip.Core;
using TokenSkip.Models.Compression;
using TokenSkip.Models.Configuration;
using TokenSkip.Models.Encoders;
using TokenSkip.Models.Transformer;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Cli.Tests;

public sealed class CompressCommandTests
{
    private const string Suffix = "\n\nThe final answer is: $\\boxed{18}$";
    private const string Cot = "She sells 16 - 3 - 4 = 9 eggs at $2 each, which makes 9 * 2 = 18 dollars.";

    // A tiny random Llama with a llama2.c character vocabulary (BOS 1), so --model has a tokenizer.
    private static string WriteCausalModel(TempFolder folder)
    {
        string[] pieces = ["<unk>", "<s>", "</s>", .. Enumerable.Range(0, 256).Select(b => $"<0x{b:X2}>"),
            .. "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:=+-*$()\\{}\n".Select(c => c.ToString())];
        var config = new TransformerConfig
        {
            Architecture = ModelArchitecture.Llama, ModelType = "llama", HiddenSize = 32, IntermediateSize = 48, LayerCount = 2,
            HeadCount = 4, KeyValueHeadCount = 2, HeadDim = 8, VocabularySize = pieces.Length, MaxPositions = 256, RmsNormEpsilon = 1e-5,
            RopeTheta = 10000, TieWordEmbeddings = true, AttentionBias = false, BosTokenId = 1, EosTokenIds = [2],
        };
        var path = folder.Combine("lm");
        using (var model = new CausalLanguageModel(config).InitializeRandom(11, std: 0.5))
        {
            model.Save(path);
        }

        File.WriteAllText(Path.Combine(path, "vocab.json"), JsonSerializer.Serialize(new { pieces, bos_id = 1, eos_id = 2 }));
        return path;
    }

    private static string WriteClassifier(TempFolder folder)
    {
        var path = folder.Combine("classifier");
        var config = new EncoderConfig
        {
            Architecture = EncoderArchitecture.XlmRoberta, VocabularySize = 98, HiddenSize = 16, LayerCount = 1, HeadCount = 2,
            IntermediateSize = 32, MaxPositions = 514, TypeVocabularySize = 1, LayerNormEpsilon = 1e-5, PadTokenId = 1, LabelCount = 2,
        };
        using (var model = new TokenClassificationModel(config).InitializeRandom(5, std: 0.5))
        {
            model.Save(path);
        }

        File.Copy(Path.Combine(SharedAssets.RepositoryRoot, "tests", "TokenSkip.Models.Tests", "Assets", "TinySentencePiece", XlmRobertaTokenizer.FileName),
            Path.Combine(path, XlmRobertaTokenizer.FileName));
        return path;
    }

    [Fact]
    public async Task HelpDescribesTheCommand()
    {
        var (code, output, _) = await CliRunner.RunAsync("compress", "--help");

        Assert.Equal(0, code);
        foreach (var option in new[] { "--scorer", "--scorer-model", "--model", "--ratio", "--text", "--input-file", "--json", "--force-token", "--keep-digits" })
        {
            Assert.Contains(option, output);
        }
    }

    [Fact]
    public async Task SurprisalJsonFollowsTheContractAndMatchesTheLibrary()
    {
        using var folder = new TempFolder();
        var model = WriteCausalModel(folder);

        var (code, output, error) = await CliRunner.RunAsync("compress", "--scorer", "surprisal", "--model", model, "--ratio", "0.6", "--text", Cot + Suffix, "--json");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        using var scorer = SurprisalScorer.Load(model);
        var expected = new CotCompressor(scorer, scorer.Tokenizer).Compress(Cot + Suffix, new CompressionRatio(0.6));
        Assert.Equal(expected.Compressed, root.GetProperty("compressed").GetString());
        Assert.EndsWith(Suffix, root.GetProperty("compressed").GetString());
        Assert.Equal(expected.KeptWordIndices, root.GetProperty("kept_word_indices").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(expected.OriginalTokens, root.GetProperty("original_tokens").GetInt32());
        Assert.Equal(expected.CompressedTokens, root.GetProperty("compressed_tokens").GetInt32());
        Assert.True(root.GetProperty("compressed_tokens").GetInt32() < root.GetProperty("original_tokens").GetInt32());
        Assert.Equal("surprisal", root.GetProperty("scorer").GetString());
        Assert.Equal(Path.GetFullPath(model), root.GetProperty("scorer_model").GetString());
        Assert.Equal(0.6, root.GetProperty("ratio").GetDouble());
    }

    [Fact]
    public async Task LlmLingua2ReadsAnInputFileAndMeasuresInTheTargetModelsTokens()
    {
        using var folder = new TempFolder();
        var model = WriteCausalModel(folder);
        var classifier = WriteClassifier(folder);
        var input = folder.Combine("cot.txt");
        File.WriteAllText(input, Cot + Suffix);

        var (code, output, error) = await CliRunner.RunAsync("compress", "--scorer", "llmlingua2", "--scorer-model", classifier, "--model", model,
            "-r", "0.5", "--input-file", input, "--json");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        var tokenizer = Models.Tokenization.TokenizerLoader.TryLoad(model)!;
        Assert.Equal(tokenizer.Encode(Cot).Count, root.GetProperty("original_tokens").GetInt32());
        var compressed = root.GetProperty("compressed").GetString()!;
        Assert.Equal(tokenizer.Encode(compressed[..^Suffix.Length]).Count, root.GetProperty("compressed_tokens").GetInt32());
        Assert.Equal("llmlingua2", root.GetProperty("scorer").GetString());
        Assert.Equal(Path.GetFullPath(classifier), root.GetProperty("scorer_model").GetString());
        Assert.NotEmpty(root.GetProperty("kept_word_indices").EnumerateArray());
    }

    [Fact]
    public async Task PlainOutputPrintsTheTextAndASummary()
    {
        using var folder = new TempFolder();
        var model = WriteCausalModel(folder);

        var (code, output, error) = await CliRunner.RunAsync("compress", "--scorer", "surprisal", "-m", model, "--ratio", "1.0", "--text", Cot);

        Assert.Equal(0, code);
        Assert.Equal(Cot, output.TrimEnd('\n', '\r'));
        Assert.Contains("actual ratio 1.00 at γ 1.0", error);
    }

    [Theory]
    [InlineData(new[] { "--scorer", "llmlingua2", "--ratio", "0.5", "--text", "x" }, "--scorer llmlingua2 needs --scorer-model")]
    [InlineData(new[] { "--scorer", "surprisal", "--ratio", "0.3", "--text", "x" }, "compression_ratio must be between 0.5 and 1.0")]
    [InlineData(new[] { "--scorer", "surprisal", "--ratio", "0.5" }, "give exactly one of --text or --input-file")]
    [InlineData(new[] { "--scorer", "surprisal", "--ratio", "0.5", "--input-file", "missing-cot.txt" }, "missing-cot.txt: file not found")]
    public async Task MistakesAreOneLineErrorsBeforeAnyModelLoads(string[] arguments, string message)
    {
        var (code, _, error) = await CliRunner.RunAsync(["compress", "--model", "/nonexistent/model", .. arguments]);

        Assert.Equal(1, code);
        Assert.Contains(message, error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task AMissingClassifierFolderIsNamed()
    {
        using var folder = new TempFolder();
        var model = WriteCausalModel(folder);

        var (code, _, error) = await CliRunner.RunAsync("compress", "--scorer", "llmlingua2", "--scorer-model", folder.Combine("nope"), "-m", model, "-r", "0.5", "--text", "x");

        Assert.Equal(1, code);
        Assert.Contains("nope: scorer model folder not found", error);
    }
}
