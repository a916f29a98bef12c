using Microsoft.SemanticKernel;
using TokenSkip.Core;
using TokenSkip.Core.Prompts;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Plugins.Tests;

public sealed class PipelinePluginTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly FakeStages _stages = new();
    private readonly PipelineJobs _jobs = new();
    private readonly PipelinePlugin _plugin;

    public PipelinePluginTests()
    {
        Directory.CreateDirectory(_temp.Combine("in"));
        Directory.CreateDirectory(_temp.Combine("out"));
        File.WriteAllText(_temp.Combine("in", "filtered.jsonl"), "");
        File.WriteAllText(_temp.Combine("in", "compressed.jsonl"), "");
        Directory.CreateDirectory(_temp.Combine("in", "model"));
        var paths = new PathConfinement(new PathConfinementOptions { ReadFolders = [_temp.Combine("in")], WriteFolders = [_temp.Combine("out")] });
        _plugin = new PipelinePlugin(_stages, paths, _jobs);
    }

    [Fact]
    public async Task ShouldStartAJobAndReportItsProgressAndResultAsync()
    {
        var started = _plugin.StartBuildData("filtered.jsonl", "compressed.jsonl", "dataset", "llama3", seed: 7);

        Assert.Equal(PipelineJobState.Running, started.State);
        Assert.Equal("build_data", started.Stage);
        _stages.Release.SetResult();
        var finished = await _jobs.WaitAsync(started.Id);

        Assert.Equal(PipelineJobState.Succeeded, finished.State);
        Assert.Equal("built 3 samples", finished.Message);
        Assert.Equal((3, 3), (finished.Done, finished.Total));
        Assert.Equal((_temp.Combine("in", "filtered.jsonl"), _temp.Combine("out", "dataset"), ModelFamily.Llama3, 7), _stages.BuildCall);
        Assert.Equal(finished, _plugin.GetJobStatus(started.Id));
        Assert.Single(_plugin.ListJobs());
    }

    [Fact]
    public async Task ShouldCancelARunningJobAsync()
    {
        var started = _plugin.StartTrainAdapter("model", "filtered.jsonl", "adapter", epochs: 1);

        _plugin.CancelJob(started.Id);
        var finished = await _jobs.WaitAsync(started.Id);

        Assert.Equal(PipelineJobState.Cancelled, finished.State);
    }

    [Fact]
    public async Task ShouldReportAFailedStageAsync()
    {
        var started = _plugin.StartEvaluate("model", "filtered.jsonl", "eval", "1.0, 0.5", limit: 2);

        var finished = await _jobs.WaitAsync(started.Id);

        Assert.Equal(PipelineJobState.Failed, finished.State);
        Assert.Equal("no model weights", finished.Message);
        Assert.Equal([CompressionRatio.Uncompressed, new CompressionRatio(0.5)], _stages.EvaluatedRatios);
    }

    [Theory]
    [InlineData("../secret.jsonl", "compressed.jsonl", "dataset")]
    [InlineData("/etc/passwd", "compressed.jsonl", "dataset")]
    [InlineData("filtered.jsonl", "compressed.jsonl", "../../escape")]
    [InlineData("filtered.jsonl", "compressed.jsonl", "/tmp/elsewhere")]
    public void ShouldRefusePathsOutsideTheFoldersBeforeStarting(string filtered, string compressed, string output)
    {
        Assert.Throws<UnauthorizedAccessException>(() => _plugin.StartBuildData(filtered, compressed, output));

        Assert.Empty(_plugin.ListJobs());
        Assert.Null(_stages.BuildCall);
    }

    [Fact]
    public void ShouldRefuseToOverwriteAnExistingOutput()
    {
        File.WriteAllText(_temp.Combine("out", "done.json"), "{}");

        Assert.Throws<UnauthorizedAccessException>(() => _plugin.StartEvaluate("model", "filtered.jsonl", "done.json"));
    }

    [Fact]
    public void ShouldRejectInvalidArguments()
    {
        Assert.Throws<ArgumentException>(() => _plugin.StartBuildData("filtered.jsonl", "compressed.jsonl", "d", family: "gpt"));
        Assert.Throws<ArgumentException>(() => _plugin.StartEvaluate("model", "filtered.jsonl", "e", ratios: "0.3"));
        Assert.Throws<ArgumentException>(() => _plugin.StartTrainAdapter("model", "filtered.jsonl", "a", epochs: 0));
        Assert.Throws<KeyNotFoundException>(() => _plugin.GetJobStatus("nope"));
    }

    [Fact]
    public void ShouldExposeSnakeCaseKernelFunctions()
    {
        var plugin = KernelPluginFactory.CreateFromObject(_plugin, "pipeline");

        Assert.Equal(
            ["cancel_job", "get_job_status", "list_jobs", "start_build_data", "start_evaluate", "start_train_adapter"],
            plugin.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.All(plugin, f => Assert.False(string.IsNullOrEmpty(f.Description)));
    }

    public void Dispose()
    {
        _jobs.Dispose();
        _temp.Dispose();
    }

    private sealed class FakeStages : IPipelineStages
    {
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public (string, string, ModelFamily, int)? BuildCall { get; private set; }

        public IReadOnlyList<CompressionRatio>? EvaluatedRatios { get; private set; }

        public async Task<string> BuildDataAsync(string filteredPath, string compressedPath, string outputFolder, ModelFamily family, int seed,
            IProgress<PipelineProgress> progress, CancellationToken cancellationToken)
        {
            BuildCall = (filteredPath, outputFolder, family, seed);
            await Release.Task.WaitAsync(cancellationToken);
            progress.Report(new PipelineProgress(3, 3, "written"));
            return "built 3 samples";
        }

        public async Task<string> TrainAdapterAsync(string modelFolder, string dataPath, string outputFolder, int epochs, int? maxSteps,
            IProgress<PipelineProgress> progress, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return "unreachable";
        }

        public Task<string> EvaluateAsync(string modelFolder, string problemsPath, string outputFolder, IReadOnlyList<CompressionRatio> ratios, int? limit,
            IProgress<PipelineProgress> progress, CancellationToken cancellationToken)
        {
            EvaluatedRatios = ratios;
            throw new InvalidOperationException("no model weights");
        }
    }
}
