using System.Text.Json;
using TokenSkip.TestSupport;
using Xunit;

using TokenSkip.TestSupport.Models;

namespace TokenSkip.Cli.Tests;

/// <summary><c>tokenskip eval</c> end to end on a tiny random Qwen2 with the real Qwen2.5 tokenizer.</summary>
public sealed class EvalCommandTests : IDisposable
{
    private static readonly string[] ResultKeys = ["gamma", "accuracy", "mean_cot_tokens", "actual_ratio", "latency_ms_per_sample", "samples"];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [SkippableFact]
    public async Task WritesResultsAndResumesWithoutRedoingFinishedRows()
    {
        var model = _folder.Combine("model");
        TinyQwen.WriteWithQwenTokenizer(model);
        var data = WriteData();
        var output = _folder.Combine("out");
        string[] args = ["eval", "--model", model, "--data", data, "--ratios", "1.0,0.6", "--limit", "2", "--baselines",
            "--max-tokens", "3", "--batch-size", "2", "--dataset-name", "tiny word problems", "--output", output];

        var (code, stdout, stderr) = await CliRunner.RunAsync(args);

        Assert.True(code == 0, stderr);
        Assert.Contains("| method | γ | accuracy |", stdout);
        Assert.StartsWith("# TokenSkip evaluation: tiny word problems", stdout);
        Assert.Contains("[1/4] tokenskip γ=1.0: 2/2 samples, accuracy", stderr);
        var results = ReadResults(output);
        Assert.Equal([(1.0, null), (0.6, null), (1.0, "original"), (0.6, "truncation")],
            results.Select(r => (r.GetProperty("gamma").GetDouble(), r.TryGetProperty("method", out var m) ? m.GetString() : null)));
        Assert.All(results, r => Assert.All(ResultKeys, key => Assert.True(r.TryGetProperty(key, out _), key)));
        Assert.All(results, r => Assert.Equal(2, r.GetProperty("samples").GetInt32()));
        Assert.All(results, r => Assert.InRange(r.GetProperty("accuracy").GetDouble(), 0, 1));
        Assert.Equal(1.0, results[0].GetProperty("actual_ratio").GetDouble());
        Assert.Equal(2, results[1].GetProperty("throughput_batch_size").GetInt32());
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(output, "results.png"))[..4]);
        Assert.StartsWith("# TokenSkip evaluation: tiny word problems", File.ReadAllText(Path.Combine(output, "results.md")));
        using (var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json"))))
        {
            Assert.Equal("tiny word problems", report.RootElement.GetProperty("dataset").GetString());
        }

        var samples = File.ReadAllLines(Path.Combine(output, "samples.jsonl"));
        Assert.Equal(8, samples.Length);
        Assert.All(samples[..2], line => Assert.Contains("\"max_new_tokens\":3", line));

        // Drop the last finished row (a truncation sample), as if the run had been stopped before it: the rerun
        // generates exactly that row again and leaves every other line as it was.
        File.WriteAllLines(Path.Combine(output, "samples.jsonl"), samples[..7]);
        var (again, _, againError) = await CliRunner.RunAsync(args);

        Assert.True(again == 0, againError);
        Assert.Contains("[4/4] truncation γ=0.6: 1/2 samples (1 resumed)", againError);
        var resumed = File.ReadAllLines(Path.Combine(output, "samples.jsonl"));
        Assert.Equal(samples[..7], resumed[..7]);
        Assert.Equal(Without(samples[7], "latency_ms"), Without(resumed[7], "latency_ms"));
        Assert.Equal(
            results.Select(r => (r.GetProperty("accuracy").GetDouble(), r.GetProperty("mean_cot_tokens").GetDouble())),
            ReadResults(output).Select(r => (r.GetProperty("accuracy").GetDouble(), r.GetProperty("mean_cot_tokens").GetDouble())));
    }

    [SkippableFact]
    public async Task AFolderOfAnotherRunIsRefusedBeforeTheModelLoads()
    {
        var model = _folder.Combine("model");
        TinyQwen.WriteWithQwenTokenizer(model);
        var output = _folder.Combine("out");
        var (first, _, firstError) = await CliRunner.RunAsync("eval", "-m", model, "--data", WriteData(), "--ratios", "1.0", "--limit", "1", "--max-tokens", "2", "--batch-size", "1", "-o", output);
        Assert.True(first == 0, firstError);
        // Without --dataset-name the data file names the dataset, not its layout ("gsm8k").
        using (var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json"))))
        {
            Assert.Equal("data", report.RootElement.GetProperty("dataset").GetString());
        }

        var (code, _, error) = await CliRunner.RunAsync("eval", "-m", "/nonexistent/model", "--data", WriteData(), "--ratios", "1.0", "-o", output);

        Assert.Equal(1, code);
        Assert.Contains("run.json: this folder holds a run with model", error);
    }

    [SkippableFact]
    public async Task CancellingStopsWithTheResumeHintAndWritesNoResults()
    {
        var model = _folder.Combine("model");
        TinyQwen.WriteWithQwenTokenizer(model);
        var output = _folder.Combine("out");
        using var error = new StringWriter();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        var code = await TokenSkipCli.RunAsync(["eval", "-m", model, "--data", WriteData(), "--ratios", "1.0", "-o", output], TextWriter.Null, error, cancelled.Token);

        Assert.Equal(130, code);
        Assert.Contains("rerun the same command to resume", error.ToString());
        Assert.False(File.Exists(Path.Combine(output, "results.json")));
    }

    [Theory]
    [InlineData(new[] { "--ratios", "1.0,0.3" }, "--ratios: '0.3' is not a compression ratio between 0.5 and 1.0")]
    [InlineData(new[] { "--ratios", "," }, "--ratios is empty")]
    [InlineData(new[] { "--limit", "0" }, "--limit must be at least 1")]
    [InlineData(new[] { "--batch-size", "0" }, "batch_size must be at least 1")]
    [InlineData(new[] { "--data", "/nonexistent/data.jsonl" }, "/nonexistent/data.jsonl: file not found")]
    [InlineData(new[] { "--dataset-name", " " }, "--dataset-name is empty")]
    public async Task BadInputsAreOneLineErrorsBeforeAnyModelLoads(string[] extra, string expected)
    {
        string[] data = extra.Contains("--data") ? [] : ["--data", WriteData()];
        string[] args = ["eval", "--model", "/nonexistent/model", "--output", _folder.Combine("out"), .. data, .. extra];

        var (code, output, error) = await CliRunner.RunAsync(args);

        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.Equal("error: ", error[..7]);
        Assert.Contains(expected, error);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.False(File.Exists(_folder.Combine("out", "run.json")));
    }

    [Fact]
    public async Task ABadDataRowIsNamedByLineAndField()
    {
        var data = _folder.Combine("bad.jsonl");
        File.WriteAllText(data, "{\"question\": \"q\", \"answer\": \"1\"}\n{\"question\": \"q2\"}\n");

        var (code, _, error) = await CliRunner.RunAsync("eval", "-m", "/nonexistent/model", "--data", data, "-o", _folder.Combine("out"));

        Assert.Equal(1, code);
        Assert.Contains("bad.jsonl:2: field \"answer\" is missing", error);
    }

    [Fact]
    public async Task WithoutDataOrReplotItAsksForData()
    {
        var (code, output, error) = await CliRunner.RunAsync("eval", "-m", "/nonexistent/model", "-o", _folder.Combine("out"));

        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("--data is required (or --replot REPORT.json)", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task ReplotRedrawsAReportsPlotWithoutAModel()
    {
        // A report as reconstructed from a published table: no dataset field, measurements the plot does not draw left out.
        var report = _folder.Combine("old", "results.json");
        Directory.CreateDirectory(Path.GetDirectoryName(report)!);
        File.WriteAllText(report, """
            {"results": [{"gamma": 1.0, "accuracy": 0.83, "mean_cot_tokens": 116.0, "actual_ratio": 1.0, "samples": 2},
                         {"gamma": 0.5, "accuracy": 0.7, "mean_cot_tokens": 57.4, "actual_ratio": 0.49, "samples": 2},
                         {"gamma": 1.0, "method": "original", "accuracy": 0.95, "mean_cot_tokens": 116.0, "samples": 2}],
             "data": "/work/data/test.jsonl", "layout": "gsm8k", "model": "/m", "max_new_tokens": 300}
            """);
        var output = _folder.Combine("plot");

        var (code, _, error) = await CliRunner.RunAsync("eval", "--replot", report, "--dataset-name", "synthetic word problems (seed 2)", "-o", output);

        Assert.True(code == 0, error);
        Assert.Contains("TokenSkip on synthetic word problems (seed 2), 2 samples", error);
        var png = File.ReadAllBytes(Path.Combine(output, "results.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.Equal(["results.png"], Directory.GetFiles(output).Select(Path.GetFileName));

        // Without --dataset-name an old report is named after its data file.
        var (again, _, againError) = await CliRunner.RunAsync("eval", "--replot", report, "-o", output);
        Assert.True(again == 0, againError);
        Assert.Contains("TokenSkip on test, 2 samples", againError);

        var (missing, _, missingError) = await CliRunner.RunAsync("eval", "--replot", _folder.Combine("none.json"), "-o", output);
        Assert.Equal(1, missing);
        Assert.Contains("none.json: file not found", missingError);
    }

    [Fact]
    public async Task HelpListsTheOptions()
    {
        var (code, output, _) = await CliRunner.RunAsync("eval", "--help");

        Assert.Equal(0, code);
        foreach (var option in new[] { "--model", "--data", "--ratios", "--limit", "--baselines", "--output", "--max-tokens", "--batch-size", "--dataset-name", "--replot" })
        {
            Assert.Contains(option, output);
        }
    }

    private string WriteData()
    {
        var path = _folder.Combine("data.jsonl");
        File.WriteAllLines(path,
        [
            """{"question": "Tom has 3 apples and buys 4 more. How many apples does he have?", "answer": "7", "id": "a"}""",
            """{"question": "A pen costs $2. How much do 5 pens cost?", "answer": "10", "id": "b"}""",
            """{"question": "What is 6 times 7?", "answer": "42", "id": "c"}""",
        ]);
        return path;
    }

    private static JsonElement[] ReadResults(string output)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json")));
        return json.RootElement.GetProperty("results").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    private static string Without(string jsonLine, string field)
    {
        var row = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(jsonLine)!;
        row.Remove(field);
        return JsonSerializer.Serialize(row);
    }
}
