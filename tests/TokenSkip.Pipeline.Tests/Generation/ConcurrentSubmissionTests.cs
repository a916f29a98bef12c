using System.Text.Json;
using TokenSkip.Core;
using TokenSkip.Core.IO;
using TokenSkip.Pipeline.Data;
using TokenSkip.Pipeline.Evaluation;
using TokenSkip.Pipeline.Stages;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Pipeline.Tests.Generation;

/// <summary>The stages keep BatchSize requests in flight, so a continuous-batching engine decodes them together.</summary>
public sealed class ConcurrentSubmissionTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void TheTrajectoryStageSubmitsBatchSizeQuestionsAtOnce()
    {
        var problems = Enumerable.Range(1, 7).Select(i => new Problem($"p{i}", $"What is {i} + 3?", "4", null)).ToArray();
        var engine = new GatedEngine(together: 3);

        var written = new TrajectoryStage(engine, new TrajectoryOptions { BatchSize = 3 }).Run(problems, _folder.Combine("t.jsonl"));

        Assert.Equal(7, written);
        Assert.Equal(3, engine.MostInFlight);
        var records = JsonLines.Read<TrajectoryRecord>(_folder.Combine("t.jsonl")).ToList();
        Assert.All(records, r => Assert.Equal(("stop", 10, 9), (r.FinishReason, r.PromptTokens, r.OutputTokens)));
        Assert.Equal("gated", Provenance.ReadFor(_folder.Combine("t.jsonl"))!.Model);
    }

    [Fact]
    public void TheEvaluationSubmitsItsUntimedSamplesAndItsThroughputBatchAtOnce()
    {
        var path = _folder.Combine("data.jsonl");
        File.WriteAllLines(path, Enumerable.Range(1, 5).Select(i => JsonSerializer.Serialize(new { question = $"q{i}", answer = "4", id = $"q{i}" })));
        var dataset = EvaluationDataset.Load(path);
        var options = new EvaluationOptions { Ratios = [CompressionRatio.Uncompressed], BatchSize = 4, LatencySamples = 1 };
        // One timed sample alone, then four untimed ones together, then the throughput batch of four.
        var engine = new GatedEngine(together: 4, solo: 1);

        var report = new EvaluationRunner(engine, options).Run(dataset, EvaluationStore.Open(_folder.Combine("eval"), new EvaluationRunInfo(path, "gated", 512)));

        Assert.Equal(4, engine.MostInFlight);
        Assert.Equal(1.0, report.Results.Single().Accuracy);
    }
}
