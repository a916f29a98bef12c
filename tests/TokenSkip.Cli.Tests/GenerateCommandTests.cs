using System.Text.Json;
using TokenSkip.Core.Generation;
using TokenSkip.Models.Configuration;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Runtime;
using TokenSkip.Models.Transformer;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Cli.Tests;

public sealed class GenerateCommandTests
{
    [Fact]
    public async Task JsonOutputFollowsTheContractAndMatchesTheLibrary()
    {
        using var folder = new TempFolder();
        var config = new TransformerConfig
        {
            Architecture = ModelArchitecture.Llama, ModelType = "llama", HiddenSize = 32, IntermediateSize = 48, LayerCount = 2,
            HeadCount = 4, KeyValueHeadCount = 2, HeadDim = 8, VocabularySize = 50, MaxPositions = 64, RmsNormEpsilon = 1e-5,
            RopeTheta = 10000, TieWordEmbeddings = false, AttentionBias = false, EosTokenIds = [49],
        };
        using (var model = new CausalLanguageModel(config).InitializeRandom(4, std: 0.5))
        {
            model.Save(folder.Path);
        }

        var (code, output, error) = await CliRunner.RunAsync("generate", "--model", folder.Path, "--prompt-ids", "1, 2,3", "--max-tokens", "7", "--stop-id", "48", "--json");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal([1, 2, 3], root.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()));
        var outputIds = root.GetProperty("output_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.False(root.TryGetProperty("text", out _)); // no tokenizer in the folder
        Assert.Equal(3, root.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(outputIds.Length, root.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        using var reference = CausalLanguageModel.Load(folder.Path);
        var expected = new TextGenerator(reference).Generate([1, 2, 3], new GenerationOptions { MaxNewTokens = 7, StopTokenIds = [48] });
        Assert.Equal(expected.OutputIds, outputIds);
        Assert.Equal(expected.FinishReason == FinishReason.Stop ? "stop" : "length", root.GetProperty("finish_reason").GetString());

        // Timings: both phases measured, and each rate is its token count over its phase (the first token excluded from decode).
        var timings = root.GetProperty("timings");
        var promptMs = timings.GetProperty("prompt_ms").GetDouble();
        var decodeMs = timings.GetProperty("decode_ms").GetDouble();
        Assert.True(promptMs > 0, $"prompt_ms {promptMs}");
        Assert.True(decodeMs >= 0, $"decode_ms {decodeMs}");
        Assert.Equal(3 * 1000 / promptMs, timings.GetProperty("prefill_tokens_per_second").GetDouble(), 0.01 * 3 * 1000 / promptMs);
        var decodeRate = timings.GetProperty("decode_tokens_per_second").GetDouble();
        if (outputIds.Length > 1 && decodeMs > 0)
        {
            Assert.Equal((outputIds.Length - 1) * 1000 / decodeMs, decodeRate, 0.01 * (outputIds.Length - 1) * 1000 / decodeMs);
        }
    }

    [Fact]
    public async Task QuantizeLoadsTheWeightsQuantized()
    {
        using var folder = new TempFolder();
        var config = new TransformerConfig
        {
            Architecture = ModelArchitecture.Qwen2, ModelType = "qwen2", HiddenSize = 64, IntermediateSize = 96, LayerCount = 2,
            HeadCount = 4, KeyValueHeadCount = 2, HeadDim = 16, VocabularySize = 50, MaxPositions = 64, RmsNormEpsilon = 1e-6,
            RopeTheta = 10000, TieWordEmbeddings = true, AttentionBias = true, EosTokenIds = [49],
        };
        using (var model = new CausalLanguageModel(config).InitializeRandom(4, std: 0.5))
        {
            model.Save(folder.Path);
        }

        var (code, output, error) = await CliRunner.RunAsync("generate", "--model", folder.Path, "--prompt-ids", "1,2,3", "--max-tokens", "6", "--quantize", "q4_0", "--json");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        using var reference = CausalLanguageModel.Load(folder.Path, new ModelLoadOptions { Quantize = TokenSkip.Models.Quantization.QuantizationType.Q4_0 });
        var expected = new TextGenerator(reference).Generate([1, 2, 3], new GenerationOptions { MaxNewTokens = 6 });
        Assert.Equal(expected.OutputIds, json.RootElement.GetProperty("output_ids").EnumerateArray().Select(e => e.GetInt32()));
    }

    [SkippableFact]
    public async Task GreedyStoriesFromBosMatchTheReference()
    {
        var folder = SharedAssets.Require("models/stories260k");
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "expected.json")));
        var fromBos = expected.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "from_bos");
        var greedy = fromBos.GetProperty("greedy_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();

        var (code, output, error) = await CliRunner.RunAsync("generate", "-m", folder, "--prompt-ids", "1", "--max-tokens", "20", "--temperature", "0", "--json");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(greedy[1..21], json.RootElement.GetProperty("output_ids").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("length", json.RootElement.GetProperty("finish_reason").GetString());
    }

    [Theory]
    [InlineData(new[] { "generate", "--model", "/nonexistent/model", "--prompt-ids", "1" }, "/nonexistent/model: model folder not found")]
    [InlineData(new[] { "generate", "--model", "/tmp", "--prompt-ids", "1,x" }, "'x' is not an integer token id")]
    [InlineData(new[] { "generate", "--model", "/tmp" }, "exactly one of --prompt or --prompt-ids")]
    [InlineData(new[] { "generate", "--model", "/tmp", "--prompt-ids", "1", "--temperature", "-1" }, "temperature must be")]
    [InlineData(new[] { "generate", "--model", "/tmp", "--prompt-ids", "1", "--device", "tpu" }, "device 'tpu' is not one of")]
    [InlineData(new[] { "generate", "--model", "/tmp", "--prompt-ids", "1", "--threads", "0" }, "--threads must be at least 1; got 0")]
    [InlineData(new[] { "generate", "--model", "/tmp", "--prompt-ids", "1", "--quantize", "q5_1" }, "quantization 'q5_1' is not one of q8_0, q4_0")]
    public async Task ErrorsAreOneLineWithoutStackTraces(string[] args, string expected)
    {
        var (code, output, error) = await CliRunner.RunAsync(args);

        Assert.NotEqual(0, code);
        Assert.Equal(string.Empty, output);
        Assert.StartsWith("error: ", error);
        Assert.Contains(expected, error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task VerbosePrintsTheStackTrace()
    {
        var (code, _, error) = await CliRunner.RunAsync("generate", "--model", "/nonexistent/model", "--prompt-ids", "1", "--verbose");

        Assert.Equal(1, code);
        Assert.Contains("at TokenSkip.", error);
    }

    [SkippableFact]
    public async Task MissingConfigInAnExistingFolderNamesTheFile()
    {
        using var folder = new TempFolder();
        var (code, _, error) = await CliRunner.RunAsync("generate", "--model", folder.Path, "--prompt-ids", "1");

        Assert.Equal(1, code);
        Assert.Contains(Path.Combine(folder.Path, "config.json"), error);
    }

    [Theory]
    [InlineData("generate")]
    [InlineData("tokenize")]
    [InlineData("demo")]
    [InlineData("eval")]
    public async Task EveryCommandHasHelp(string command)
    {
        var (code, output, _) = await CliRunner.RunAsync(command, "--help");

        Assert.Equal(0, code);
        Assert.Contains("Usage:", output);
        Assert.Contains(command, output);
    }
}
