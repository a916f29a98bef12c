using TokenSkip.Core;
using TokenSkip.Core.Prompts;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Lora;
using TokenSkip.Models.Transformer;
using TokenSkip.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TokenSkip.Cli.Tests;

public sealed class TrainCommandTests
{
    [Fact]
    public async Task HelpListsTheHyperParametersWithTheReferenceDefaults()
    {
        var (code, output, _) = await CliRunner.RunAsync("train", "--help");

        Assert.Equal(0, code);
        foreach (var expected in new[] { "--resume", "--max-steps", "--seed", "--full", "--lora-rank", "[default: 8]", "[default: 16]", "[default: 5E-05]", "[default: 0.1]", "[default: 3]" })
        {
            Assert.Contains(expected, output);
        }
    }

    [Fact]
    public async Task TrainsAnAdapterThatMergesIntoAModelWithTheSameOutputs()
    {
        using var folder = new TempFolder();
        var model = folder.Combine("model");
        TinyChatModel.Write(model);
        var data = folder.Combine("train.jsonl");
        WriteData(data);
        var adapter = folder.Combine("adapter");

        var (code, output, error) = await CliRunner.RunAsync("train", "--model", model, "--data", data, "--output", adapter,
            "--max-steps", "3", "--batch-size", "2", "--lr", "1e-2", "--save-steps", "2", "--log-steps", "1");

        Assert.True(code == 0, error);
        Assert.Contains($"adapter written to {adapter} (3 steps, final loss", output);
        Assert.Matches(@"step 1/3  epoch 0\.50  loss \d+\.\d{4}  lr 0e\+00  grad \d+\.\d{3}  tokens/s \d+", error);
        Assert.Contains("step 3/3", error);
        Assert.Contains("checkpoint: " + Path.Combine(adapter, "checkpoint-2"), error);
        Assert.True(File.Exists(Path.Combine(adapter, "adapter_config.json")));

        var merged = folder.Combine("merged");
        (code, output, error) = await CliRunner.RunAsync("adapter", "merge", "--model", model, "--adapter", adapter, "--output", merged);

        Assert.True(code == 0, error);
        Assert.Contains($"merged model written to {merged}", output);
        Assert.True(File.Exists(Path.Combine(merged, "tokenizer.json")));
        using var mergedModel = CausalLanguageModel.Load(merged);
        using var baseModel = CausalLanguageModel.Load(model);
        var baseLogits = Logits(baseModel);
        using var attached = LoraAdapter.Load(baseModel, adapter);
        var adapted = Logits(baseModel);
        Assert.True(MaxDifference(baseLogits, adapted) > 1e-4, "training should have changed the adapter");
        Assert.True(MaxDifference(adapted, Logits(mergedModel)) < 1e-4);

        (code, output, error) = await CliRunner.RunAsync("train", "--model", model, "--data", data, "--output", adapter,
            "--max-steps", "3", "--batch-size", "2", "--lr", "1e-2", "--save-steps", "2", "--resume");
        Assert.True(code == 0, error);
        Assert.Contains("resumed from step 3", output);
    }

    [Theory]
    [InlineData("missing-data", "missing.jsonl: data file not found")]
    [InlineData("bad-line", "train.jsonl: line 2: missing field 'output'")]
    [InlineData("bad-lr", "learning rate must be positive")]
    [InlineData("bad-micro", "micro-batch size must divide the batch size")]
    [InlineData("bad-regex", "--target-modules:")]
    public async Task ErrorsAreOneLine(string fault, string expected)
    {
        using var folder = new TempFolder();
        var model = folder.Combine("model");
        TinyChatModel.Write(model);
        var data = folder.Combine("train.jsonl");
        WriteData(data);
        if (fault == "bad-line")
        {
            File.WriteAllText(data, File.ReadLines(data).First() + "\n{\"instruction\":\"x\"}\n");
        }

        string[] args = fault switch
        {
            "missing-data" => ["--data", folder.Combine("missing.jsonl")],
            "bad-lr" => ["--data", data, "--lr", "0"],
            "bad-micro" => ["--data", data, "--micro-batch-size", "3"],
            "bad-regex" => ["--data", data, "--target-modules", "(q_proj"],
            _ => ["--data", data],
        };

        var (code, output, error) = await CliRunner.RunAsync(["train", "--model", model, "--output", folder.Combine("out"), .. args]);

        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.StartsWith("error: ", error);
        Assert.Contains(expected, error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task MergeErrorsNameTheAdapterFile()
    {
        using var folder = new TempFolder();
        var model = folder.Combine("model");
        TinyChatModel.Write(model);
        Directory.CreateDirectory(folder.Combine("adapter"));
        File.WriteAllText(folder.Combine("adapter", "adapter_config.json"), "{\"peft_type\":\"LORA\",\"r\":4,\"target_modules\":[\"q_proj\"],\"use_dora\":true}");

        var (code, _, error) = await CliRunner.RunAsync("adapter", "merge", "-m", model, "-a", folder.Combine("adapter"), "-o", folder.Combine("out"));

        Assert.Equal(1, code);
        Assert.Contains("adapter_config.json: field 'use_dora' is set", error);
        Assert.False(Directory.Exists(folder.Combine("out")));
    }

    private static void WriteData(string path)
    {
        var lines = new List<string>();
        foreach (var (question, gamma) in new[] { ("What is 2+3?", 1.0), ("What is 4*5?", 0.5), ("What is 9-7?", 0.7) })
        {
            var record = TokenSkipPromptBuilder.BuildTrainingRecord(question, "Add them.", "5", new CompressionRatio(gamma));
            lines.Add(System.Text.Json.JsonSerializer.Serialize(record));
        }

        lines.Add("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello!\"}]}");
        File.WriteAllLines(path, lines);
    }

    private static float[] Logits(CausalLanguageModel model)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return model.Forward(tensor(new long[] { 257, 72, 105, 258, 10 }).unsqueeze(0)).data<float>().ToArray();
    }

    private static double MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();
}
