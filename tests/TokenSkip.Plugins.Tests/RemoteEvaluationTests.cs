using TokenSkip.Core;
using TokenSkip.Core.Calibration;
using TokenSkip.Core.Remote;
using TokenSkip.Models;
using TokenSkip.TestSupport;
using TokenSkip.TestSupport.Replicas;
using Xunit;

namespace TokenSkip.Plugins.Tests;

/// <summary>The pipeline plugin's evaluation stage on replicas: every (γ, problem) goes to them, balanced, and the card is written.</summary>
public sealed class RemoteEvaluationTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [SkippableFact]
    public async Task EvaluateSendsEveryProblemAtEveryRatioToTheReplicas()
    {
        var model = DefaultModel.Find();
        Skip.If(model is null, "the embedded model is not built");
        await using var first = await StubReplica.StartAsync(new StubReplicaOptions { TokensPerSecond = 2000, ReplyTokens = 8 });
        await using var second = await StubReplica.StartAsync(new StubReplicaOptions { TokensPerSecond = 2000, ReplyTokens = 8 });
        var problems = _temp.Combine("problems.jsonl");
        await File.WriteAllLinesAsync(problems, Enumerable.Range(1, 6).Select(i => $$"""{"question": "What is {{i}} + {{i}}?", "answer": "#### {{2 * i}}"}"""));
        var stages = new TokenSkipPipelineStages(new OpenAICompatibleEngineOptions { Endpoints = [first.ApiRoot, second.ApiRoot], Concurrency = 4 });

        var message = await stages.EvaluateAsync(model, problems, _temp.Combine("eval"), [CompressionRatio.Parse("0.5")], limit: null,
            new Progress<PipelineProgress>(), CancellationToken.None);

        Assert.Equal(2 * 6, first.Completed + second.Completed); // γ 0.5 and 1.0, six problems each
        Assert.True(first.Completed > 0 && second.Completed > 0, $"both replicas used ({first.Completed}, {second.Completed})");
        var card = ModelCard.TryLoad(_temp.Combine("eval"));
        Assert.Equal([1.0, 0.5], card!.Calibration.Select(c => c.Gamma));
        Assert.All(card.Calibration, c => Assert.Equal(0, c.Accuracy)); // the stub answers nonsense
        Assert.Contains("γ=0.5", message, StringComparison.Ordinal);
    }
}
