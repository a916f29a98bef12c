using TokenSkip.Core.IO;
using TokenSkip.Models;
using TokenSkip.Pipeline.Data;
using TokenSkip.Pipeline.Evaluation;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Cli.Tests;

/// <summary>
/// <c>data generate</c> and <c>eval</c> over three <c>tokenskip serve</c> child processes (the embedded model, greedy) as
/// replicas, one of them killed mid-run: every record is written once, and the results equal the in-process run's.
/// </summary>
public sealed class ServeReplicasTests : IAsyncLifetime, IDisposable
{
    private const int Questions = 40;
    private readonly TempFolder _folder = new();
    private readonly List<ServeProcess> _replicas = [];

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            _replicas.Add(await ServeProcess.StartAsync("--port", "0", "--threads", "1", "--max-batch-size", "2"));
        }

        // "Serving" comes before the model is loaded: wait until every replica lists it.
        using var http = new HttpClient();
        foreach (var replica in _replicas)
        {
            while (!(await http.GetAsync(new Uri(replica.Address, "v1/models"))).IsSuccessStatusCode)
            {
                await Task.Delay(100);
            }
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _replicas.ForEach(r => r.Dispose());
        _folder.Dispose();
    }

    [SkippableFact]
    public async Task DataGenerateSurvivesAKilledReplicaAndMatchesTheInProcessRun()
    {
        Skip.If(DefaultModel.Find() is null, "the embedded model is not built");
        var problems = await SynthAsync();
        var local = _folder.Combine("local.jsonl");
        await RunAsync("data", "generate", "--data", problems, "--output", local, "--max-tokens", "64", "--batch-size", "4");

        var remote = _folder.Combine("remote.jsonl");
        string[] args = ["data", "generate", .. Endpoints(), "--concurrency", "6", "--data", problems, "--output", remote, "--max-tokens", "64"];
        var run = Task.Run(() => CliRunner.RunAsync(args)); // the command runs synchronously: watch it from here
        var writtenAtKill = await KillOneReplicaAfterAsync(() => Lines(remote), run);
        var (code, _, error) = await run;

        Assert.True(code == 0, error);
        Assert.InRange(writtenAtKill, 1, Questions - 1); // the replica died mid-run
        var expected = JsonLines.Read<TrajectoryRecord>(local).OrderBy(r => r.Id, StringComparer.Ordinal).ToArray();
        var actual = JsonLines.Read<TrajectoryRecord>(remote).OrderBy(r => r.Id, StringComparer.Ordinal).ToArray();
        Assert.Equal(Questions, actual.Select(r => r.Id).Distinct().Count());
        Assert.Equal(Questions, actual.Length); // each once
        Assert.Equal(expected.Select(r => (r.Id, r.Output, r.PromptTokens, r.OutputTokens, r.FinishReason)), actual.Select(r => (r.Id, r.Output, r.PromptTokens, r.OutputTokens, r.FinishReason)));
    }

    [SkippableFact]
    public async Task EvalSurvivesAKilledReplicaAndMatchesTheInProcessRun()
    {
        Skip.If(DefaultModel.Find() is null, "the embedded model is not built");
        var problems = await SynthAsync();
        string[] common = ["--data", problems, "--ratios", "1.0,0.5", "--max-tokens", "64", "--latency-samples", "1", "--batch-size", "2"];
        await RunAsync(["eval", .. common, "-o", _folder.Combine("local")]);

        var samples = Path.Combine(_folder.Combine("remote"), EvaluationStore.SamplesFileName);
        var run = CliRunner.RunAsync(["eval", .. common, .. Endpoints(), "--model", DefaultModel.Require(), "--concurrency", "6", "-o", _folder.Combine("remote")]);
        var writtenAtKill = await KillOneReplicaAfterAsync(() => Lines(samples), run);
        var (code, _, error) = await run;

        Assert.True(code == 0, error);
        Assert.InRange(writtenAtKill, 1, (2 * Questions) - 1);
        var expected = Rows(Path.Combine(_folder.Combine("local"), EvaluationStore.SamplesFileName));
        var actual = Rows(samples);
        Assert.Equal(2 * Questions, actual.Count);
        Assert.Equal(actual.Count, actual.Select(r => (r.Method, r.Gamma, r.Id)).Distinct().Count()); // each once
        Assert.Equal(expected.Select(Comparable), actual.Select(Comparable));
    }

    [SkippableFact]
    public async Task SurprisalScoringOnReplicasKeepsTheSameWordsAsScoringHere()
    {
        Skip.If(DefaultModel.Find() is null, "the embedded model is not built");
        const string Cot = "Tom has 12 apples and buys 7 more, so he has 12 + 7 = 19 apples. Then he gives 4 to Ann, so 19 - 4 = 15 are left.";
        string[] common = ["compress", "--scorer", "surprisal", "--ratio", "0.6", "--text", Cot, "--json"];

        var (localCode, local, localError) = await CliRunner.RunAsync(common);
        var (remoteCode, remote, remoteError) = await CliRunner.RunAsync([.. common, .. Endpoints(), "--model", DefaultModel.Require()]);

        Assert.True(localCode == 0, localError);
        Assert.True(remoteCode == 0, remoteError);
        using var localJson = System.Text.Json.JsonDocument.Parse(local);
        using var remoteJson = System.Text.Json.JsonDocument.Parse(remote);
        Assert.Equal(localJson.RootElement.GetProperty("compressed").GetString(), remoteJson.RootElement.GetProperty("compressed").GetString());
        Assert.Equal(localJson.RootElement.GetProperty("kept_word_indices").GetRawText(), remoteJson.RootElement.GetProperty("kept_word_indices").GetRawText());
        Assert.Contains("127.0.0.1", remoteJson.RootElement.GetProperty("scorer_model").GetString(), StringComparison.Ordinal);
    }

    private static (EvaluationMethod, double, string, string, bool, int, int, string) Comparable(SampleRecord r) =>
        (r.Method, r.Gamma, r.Id, r.Output, r.Correct, r.CotTokens, r.GeneratedTokens, r.FinishReason);

    private static List<SampleRecord> Rows(string path) =>
        JsonLines.Read<SampleRecord>(path).OrderBy(r => r.Gamma).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();

    private string[] Endpoints() => _replicas.SelectMany(r => new[] { "--endpoint", new Uri(r.Address, "v1").ToString() }).ToArray();

    // Kills the second replica (SIGKILL) once the run has written a record; returns how many were written then.
    private async Task<int> KillOneReplicaAfterAsync(Func<int> written, Task run)
    {
        while (written() < 1 && !run.IsCompleted)
        {
            await Task.Delay(20);
        }

        var atKill = written();
        var killed = _replicas[1];
        _replicas.Remove(killed);
        killed.Dispose();
        return atKill;
    }

    private static int Lines(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var count = 0;
            while (reader.ReadLine() is { Length: > 0 })
            {
                count++;
            }

            return count;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return 0;
        }
    }

    private async Task<string> SynthAsync()
    {
        var problems = _folder.Combine("problems.jsonl");
        await RunAsync("data", "synth", "--seed", "5", "--count", Questions.ToString(System.Globalization.CultureInfo.InvariantCulture), "--output", problems);
        return problems;
    }

    private static async Task RunAsync(params string[] args)
    {
        var (code, _, error) = await CliRunner.RunAsync(args);
        Assert.True(code == 0, $"tokenskip {string.Join(' ', args)} failed: {error}");
    }
}
