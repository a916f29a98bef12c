using System.Text.Json;
using TokenSkip.Core.IO;
using TokenSkip.Pipeline.Data;
using TokenSkip.TestSupport;
using Xunit;

using TokenSkip.TestSupport.Models;

namespace TokenSkip.Cli.Tests;

/// <summary>The data stages end to end through the CLI: synth → generate → filter → compress → build.</summary>
public sealed class DataCommandsTests
{
    [SkippableFact]
    public async Task TheDataStagesChainThroughTheirFiles()
    {
        using var folder = new TempFolder();
        var model = folder.Combine("model");
        Directory.CreateDirectory(model);
        TinyQwen.WriteWithQwenTokenizer(model);
        var problems = folder.Combine("problems.jsonl");

        await Run("data", "synth", "--seed", "3", "--count", "4", "--output", problems);
        await Run("data", "generate", "-m", model, "--data", problems, "--output", folder.Combine("traj.jsonl"), "--max-tokens", "3", "--batch-size", "2");
        var trajectories = JsonLines.Read<TrajectoryRecord>(folder.Combine("traj.jsonl")).ToList();
        Assert.Equal(4, trajectories.Count);

        // A random model never answers correctly: give the filter the reference CoTs as if the model had written them.
        // Trajectories are written as they finish (batched), so pair them with their problems by question, not position.
        var cots = File.ReadAllLines(problems).Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(p => p.GetProperty("question").GetString()!, p => p.GetProperty("cot").GetString()!);
        JsonLines.WriteAll(folder.Combine("traj.jsonl"), trajectories.Select(t => t with { Output = cots[t.Question], FinishReason = "stop" }));
        await Run("data", "filter", "-m", model, "--input", folder.Combine("traj.jsonl"), "--output", folder.Combine("filtered.jsonl"));
        await Run("data", "compress", "-m", model, "--scorer", "random", "--input", folder.Combine("filtered.jsonl"), "--output", folder.Combine("compressed.jsonl"));
        await Run("data", "build", "--filtered", folder.Combine("filtered.jsonl"), "--compressed", folder.Combine("compressed.jsonl"), "--output", folder.Combine("dataset"),
            "--target-model", "Qwen/Qwen2.5-3B-Instruct");

        Assert.Equal(4, JsonLines.Read<FilteredRecord>(folder.Combine("filtered.jsonl")).Count());
        Assert.Equal(20, JsonLines.Read<CompressedRecord>(folder.Combine("compressed.jsonl")).Count());
        using var alpaca = JsonDocument.Parse(File.ReadAllText(folder.Combine("dataset", "train.alpaca.json")));
        Assert.Equal(4, alpaca.RootElement.GetArrayLength());
        Assert.All(alpaca.RootElement.EnumerateArray(), r => Assert.EndsWith("}$", r.GetProperty("output").GetString()));
        Assert.Equal(4, File.ReadAllLines(folder.Combine("dataset", "train.messages.jsonl")).Length);
        Assert.True(File.Exists(folder.Combine("dataset", "dataset_info.json")));
        Assert.Contains("model_name_or_path: \"Qwen/Qwen2.5-3B-Instruct\"", File.ReadAllLines(folder.Combine("dataset", "tokenskip_lora_sft.yaml")));
    }

    [Theory]
    [InlineData("random", "http://127.0.0.1:8000/v1", "--endpoint scores on a server with --scorer surprisal")]
    [InlineData("surprisal", "127.0.0.1:8000", "is not an http(s) URL")]
    public async Task EndpointMistakesFailBeforeAnythingLoads(string scorer, string endpoint, string message)
    {
        var (code, _, error) = await CliRunner.RunAsync("data", "compress", "-m", "/nonexistent", "--scorer", scorer, "--endpoint", endpoint, "--input", "x", "--output", "y");

        Assert.Equal(1, code);
        Assert.Contains(message, error);
    }

    [Fact]
    public async Task ScorerMistakesFailBeforeAnythingLoads()
    {
        var (code, _, error) = await CliRunner.RunAsync("data", "compress", "-m", "/nonexistent", "--scorer", "llmlingua2", "--input", "x", "--output", "y");

        Assert.Equal(1, code);
        Assert.Contains("--scorer llmlingua2 needs --scorer-model", error);
    }

    private static async Task Run(params string[] args)
    {
        var (code, _, error) = await CliRunner.RunAsync(args);
        Assert.True(code == 0, $"tokenskip {string.Join(' ', args)} failed: {error}");
    }
}
