using System.Text.Json;
using TokenSkip.Core;
using TokenSkip.Pipeline.Evaluation;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Pipeline.Tests.Evaluation;

/// <summary>The metric arithmetic on scripted generations: every number below is worked out by hand from the script.</summary>
public sealed class EvaluationRunnerTests : IDisposable
{
    private readonly TempFolder _folder = new();

    // γ=1.0 CoTs are 10/20/30/40 words (q3 answers wrong); γ=0.6 CoTs are 6/12/18/24 words (q2 answers wrong).
    // Generated tokens = CoT words + 5 (lead and box) + 1 (stop): 16/26/36/46 and 12/18/24/30.
    private static readonly Dictionary<(string, string?), string> Script = new()
    {
        [("q1", null)] = Output(Cot(10, first: "10"), "10"),
        [("q2", null)] = Output(Cot(20), "20"),
        [("q3", null)] = Output(Cot(30), "31"),
        [("q4", null)] = Output(Cot(40), "40"),
        [("q1", "0.6")] = Output(Cot(6), "10"),
        [("q2", "0.6")] = Output(Cot(12), "21"),
        [("q3", "0.6")] = Output(Cot(18), "30"),
        [("q4", "0.6")] = Output(Cot(24), "40"),
    };

    private static readonly EvaluationOptions Options = new()
    {
        Ratios = [new CompressionRatio(1.0), new CompressionRatio(0.6)],
        IncludeBaselines = true,
        BatchSize = 2,
    };

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void MetricsFollowFromTheScriptedGenerations()
    {
        var model = NewModel();

        var report = Run(model, Options);

        Assert.Equal(["tokenskip γ=1.0", "tokenskip γ=0.6", "original γ=1.0", "truncation γ=0.6"],
            report.Results.Select(r => $"{r.MethodName} γ={new CompressionRatio(r.Gamma)}"));
        var (full, compressed, original, truncation) = (report.Results[0], report.Results[1], report.Results[2], report.Results[3]);
        Assert.Equal("gamma=1.0", report.RatioReference);

        AssertRow(full, accuracy: 0.75, cot: 25, ratio: 1.0, latency: 31, generated: 31, samplesPerSecond: 2 / 0.026, tokensPerSecond: 42 / 0.026, batch: 2);
        AssertRow(compressed, accuracy: 0.75, cot: 15, ratio: 0.6, latency: 21, generated: 21, samplesPerSecond: 2 / 0.018, tokensPerSecond: 30 / 0.018, batch: 2);
        AssertRow(original, accuracy: 0.75, cot: 25, ratio: 1.0, latency: 31, generated: 31, samplesPerSecond: 2 / 0.026, tokensPerSecond: 42 / 0.026, batch: 2);
        // Caps round(0.6 × 16/26/36/46) = 10/16/22/28 tokens: only q1's CoT, which opens with its answer, keeps it.
        AssertRow(truncation, accuracy: 0.25, cot: 19, ratio: 19.0 / 25, latency: 19, generated: 19, samplesPerSecond: 4 / 0.076, tokensPerSecond: 1000, batch: 1);
    }

    [Fact]
    public void TruncationCapsEachSampleAtGammaTimesTheOriginalsTokensAndTheOriginalReusesGammaOne()
    {
        var model = NewModel();

        Run(model, Options);

        Assert.Equal([10, 16, 22, 28], model.Calls.Where(c => c.Gamma is null && c.MaxNewTokens < 512).Select(c => c.MaxNewTokens));
        // γ=1 prompts at full length: four singles and one batch of two, all from the TokenSkip γ=1.0 stage.
        Assert.Equal(6, model.Calls.Count(c => c.Gamma is null && c.MaxNewTokens == 512));
        Assert.Equal([2, 2], model.Calls.Where(c => c.Gamma is "0.6" && c.BatchSize == 2).Select(c => c.BatchSize));
        var samples = File.ReadAllLines(_folder.Combine(EvaluationStore.SamplesFileName));
        Assert.Equal(16, samples.Length);
        Assert.Contains(samples, line => line.Contains("\"method\":\"original\"", StringComparison.Ordinal));
    }

    [Fact]
    public void ASeparateOriginalModelAnswersTheBaselinesAndNothingIsReused()
    {
        var tokenSkip = NewModel();
        // The base model writes twice as many words and gets q1 wrong.
        var original = new ScriptedEngine((question, _) => question == "q1" ? Output(Cot(20), "11") : Output(Cot(2 * int.Parse(question[1..]) * 10), question[1..] + "0"));
        var dataset = WriteDataset();
        var store = EvaluationStore.Open(_folder.Path, new EvaluationRunInfo(dataset.Path, "scripted", Options.MaxNewTokens));

        var report = new EvaluationRunner(tokenSkip, Options, tokenSkip.Clock, original).Run(dataset, store);

        var originalRow = report.Results.Single(r => r.MethodName == "original");
        Assert.Equal(0.75, originalRow.Accuracy);
        Assert.Equal((20 + 40 + 60 + 80) / 4.0, originalRow.MeanCotTokens);
        Assert.All(original.Calls, c => Assert.Null(c.Gamma));
        Assert.DoesNotContain(tokenSkip.Calls, c => c.Gamma is null && c.MaxNewTokens < 512);
        // Truncation caps come from the original model's lengths: round(0.6 × (20|40|60|80 + 6)).
        Assert.Equal([16, 28, 40, 52], original.Calls.Where(c => c.MaxNewTokens < 512).Select(c => c.MaxNewTokens));
    }

    [Fact]
    public void OnlyTheFirstLatencySamplesRunAloneAndTheRestRunInBatches()
    {
        var model = NewModel();

        var report = Run(model, Options with { LatencySamples = 1, IncludeBaselines = false, Ratios = [new CompressionRatio(0.6)] });

        var row = report.Results.Single();
        // q1 alone (6 + 5 + 1 = 12 tokens, 12 ms); q2, q3 together (BatchSize in flight); q4 when q2's slot frees up;
        // then the throughput pass over the first two samples. One entry per prompt, with the requests that started with it.
        Assert.Equal([1, 2, 2, 1, 2, 2], model.Calls.Select(c => c.BatchSize));
        Assert.Equal(["q1", "q2", "q3", "q4", "q1", "q2"], model.Calls.Select(c => c.Question));
        Assert.Equal(12, row.LatencyMsPerSample);
        Assert.Equal(1, row.LatencySamples);
        Assert.Equal(0.75, row.Accuracy);
        Assert.Equal(4, row.Samples);
    }

    [Fact]
    public void AnInterruptedRunResumesWithoutRedoingFinishedSamples()
    {
        var uninterrupted = Run(NewModel(), Options, _folder.Combine("clean"));
        using var cancel = new CancellationTokenSource();
        var first = NewModel();
        var calls = 0;
        first.BeforeCall = () =>
        {
            // Requests 1-6 are the γ=1.0 stage (four samples, a batch of two); 7 is γ=0.6's first sample; stop at the 8th.
            if (++calls == 8)
            {
                cancel.Cancel();
            }
        };

        Assert.ThrowsAny<OperationCanceledException>(() => Run(first, Options, cancellationToken: cancel.Token));
        var second = NewModel();
        var progress = new CollectingProgress<EvaluationProgress>();
        var resumed = Run(second, Options, progress: progress);

        Assert.Equal(0, second.Calls.Count(c => c.Gamma is null && c.MaxNewTokens == 512));
        Assert.Equal(["q2", "q3", "q4", "q1", "q2"], second.Calls.Where(c => c.Gamma == "0.6").Select(c => c.Question));
        Assert.Equal(1, progress.Reports.First(p => p.Stage.Gamma == new CompressionRatio(0.6) && p.Stage.Method == EvaluationMethod.TokenSkip).Resumed);
        Assert.Equal(JsonSerializer.Serialize(uninterrupted.Results), JsonSerializer.Serialize(resumed.Results));
    }

    [Fact]
    public void ProgressCountsSamplesAndCorrectAnswersPerStage()
    {
        var progress = new CollectingProgress<EvaluationProgress>();

        Run(NewModel(), Options, progress: progress);

        var last = progress.Reports.Where(p => !p.MeasuringThroughput).GroupBy(p => p.Stage).Select(g => g.Last()).ToArray();
        Assert.Equal([(4, 3), (4, 3), (4, 3), (4, 1)], last.Select(p => (p.Completed, p.Correct)));
        Assert.All(last, p => Assert.Equal(TimeSpan.Zero, p.Remaining));
        var secondOfFirstStage = progress.Reports[2];
        Assert.Equal((2, 4), (secondOfFirstStage.Completed, secondOfFirstStage.Total));
        Assert.Equal(TimeSpan.FromMilliseconds(16 + 26), secondOfFirstStage.Elapsed);
        Assert.Equal(TimeSpan.FromMilliseconds(42), secondOfFirstStage.Remaining);
    }

    [Fact]
    public void WithoutGammaOneTheOriginalModelIsTheRatioReference()
    {
        var report = Run(NewModel(), Options with { Ratios = [new CompressionRatio(0.6)], BatchSize = 1 });

        Assert.Equal("original", report.RatioReference);
        Assert.Equal(0.6, report.Results[0].ActualRatio!.Value, 12);
        Assert.Equal(1, report.Results[0].ThroughputBatchSize);
        Assert.Equal(4 / 0.084, report.Results[0].ThroughputSamplesPerSecond!.Value, 9);
    }

    [Fact]
    public void WithoutAReferenceRunActualRatiosAreAbsent()
    {
        var report = Run(NewModel(), Options with { Ratios = [new CompressionRatio(0.6)], IncludeBaselines = false });

        Assert.Null(report.RatioReference);
        Assert.Null(Assert.Single(report.Results).ActualRatio);
    }

    [Fact]
    public void AFolderOfAnotherRunIsRefused()
    {
        Run(NewModel(), Options);
        var dataset = WriteDataset();

        var error = Assert.Throws<InvalidOperationException>(() => EvaluationStore.Open(_folder.Path, new EvaluationRunInfo(dataset.Path, "other-model", 512)));

        Assert.Contains("run.json", error.Message);
        Assert.Contains("model \"scripted\"", error.Message);
    }

    [Fact]
    public void AHalfWrittenLastLineIsDroppedAndItsSampleRunsAgain()
    {
        var options = Options with { Ratios = [new CompressionRatio(1.0)], IncludeBaselines = false, BatchSize = 1 };
        Run(NewModel(), options);
        var path = _folder.Combine(EvaluationStore.SamplesFileName);
        var lines = File.ReadAllLines(path);
        File.WriteAllText(path, string.Join("\n", lines[..3]) + "\n" + lines[3][..20]);

        var model = NewModel();
        var report = Run(model, options);

        Assert.Equal(["q4"], model.Calls.Select(c => c.Question));
        Assert.Equal(4, File.ReadAllLines(path).Length);
        Assert.Equal(0.75, report.Results[0].Accuracy);
    }

    private static void AssertRow(EvaluationRow row, double accuracy, double cot, double ratio, double latency, double generated,
        double samplesPerSecond, double tokensPerSecond, int batch)
    {
        Assert.Equal(4, row.Samples);
        Assert.Equal(accuracy, row.Accuracy, 12);
        Assert.Equal(cot, row.MeanCotTokens, 12);
        Assert.Equal(ratio, row.ActualRatio!.Value, 12);
        Assert.Equal(latency, row.LatencyMsPerSample, 9);
        Assert.Equal(generated, row.MeanGeneratedTokens, 12);
        Assert.Equal(samplesPerSecond, row.ThroughputSamplesPerSecond!.Value, 6);
        Assert.Equal(tokensPerSecond, row.ThroughputTokensPerSecond!.Value, 6);
        Assert.Equal(batch, row.ThroughputBatchSize);
    }

    private EvaluationReport Run(ScriptedEngine model, EvaluationOptions options, string? folder = null,
        IProgress<EvaluationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var dataset = WriteDataset();
        var store = EvaluationStore.Open(folder ?? _folder.Path, new EvaluationRunInfo(dataset.Path, "scripted", options.MaxNewTokens));
        return new EvaluationRunner(model, options, model.Clock).Run(dataset, store, progress, cancellationToken);
    }

    private EvaluationDataset WriteDataset()
    {
        var path = _folder.Combine("data.jsonl");
        File.WriteAllLines(path, new[] { ("q1", "10"), ("q2", "20"), ("q3", "30"), ("q4", "40") }
            .Select(r => JsonSerializer.Serialize(new { question = r.Item1, answer = r.Item2, id = r.Item1 })));
        return EvaluationDataset.Load(path);
    }

    private static ScriptedEngine NewModel() => new((question, gamma) => Script[(question, gamma)]);

    private static string Cot(int words, string first = "w") => string.Join(" ", [first, .. Enumerable.Repeat("w", words - 1)]);

    private static string Output(string cot, string answer) => cot + "\n\nThe final answer is: $\\boxed{" + answer + "}$";
}
