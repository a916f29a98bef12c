using TokenSkip.Core.IO;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Loading;
using TokenSkip.Pipeline.Data;
using TokenSkip.Pipeline.Generation;
using TokenSkip.Pipeline.Stages;
using TokenSkip.Pipeline.Synthetic;
using TokenSkip.TestSupport;
using Xunit;

using TokenSkip.TestSupport.Models;

namespace TokenSkip.Pipeline.Tests.Stages;

public sealed class TrajectoryStageTests
{
    private static readonly Problem[] Problems = WordProblemGenerator.Generate(5, 6)
        .Select((p, i) => new Problem($"p{i}", p.Question, p.Answer, p.Cot)).ToArray();

    [Fact]
    public void WritesOneRecordPerProblemAndAResumeRedoesNothingFinished()
    {
        using var folder = new TempFolder();
        var stage = Stage(TinyQwen.Write(folder.Combine("model")), out var engine);
        using var _ = engine;
        var output = folder.Combine("out", "trajectories.jsonl");

        var first = stage.Run(Problems, output);
        var complete = JsonLines.Read<TrajectoryRecord>(output).ToList();
        var again = stage.Run(Problems, output);

        Assert.Equal(6, first);
        Assert.Equal(0, again);
        Assert.Equal(Problems.Select(p => p.Id).Order(), complete.Select(r => r.Id).Order());
        Assert.All(complete, r => Assert.InRange(r.OutputTokens, 1, 6));
        Assert.Equal("trajectories", Provenance.ReadFor(output)!.Stage);

        // Simulate an interruption: lose the last two records and tear the line before them.
        var lines = File.ReadAllLines(output);
        File.WriteAllText(output, string.Join("\n", lines[..3]) + "\n" + lines[3][..10]);
        var resumed = stage.Run(Problems, output);

        Assert.Equal(3, resumed);
        Assert.Equal(complete.OrderBy(r => r.Id), JsonLines.Read<TrajectoryRecord>(output).OrderBy(r => r.Id));
    }

    [Fact]
    public void ResumingWithOtherSettingsIsRefused()
    {
        using var folder = new TempFolder();
        var modelFolder = TinyQwen.Write(folder.Combine("model"));
        var output = folder.Combine("trajectories.jsonl");
        var stage = Stage(modelFolder, out var engine);
        using var _ = engine;
        stage.Run(Problems[..2], output);

        var other = new TrajectoryStage(engine, new TrajectoryOptions { MaxNewTokens = 7 }, modelFolder);

        var error = Assert.Throws<InvalidOperationException>(() => other.Run(Problems, output));
        Assert.Contains("started with other settings", error.Message);
    }

    [Fact]
    public void CancellationLeavesAResumableFile()
    {
        using var folder = new TempFolder();
        var stage = Stage(TinyQwen.Write(folder.Combine("model")), out var engine, batchSize: 2);
        using var _ = engine;
        var output = folder.Combine("trajectories.jsonl");
        using var cancellation = new CancellationTokenSource();
        var progress = new SynchronousProgress<StageProgress>(p =>
        {
            if (p.Done == 2)
            {
                cancellation.Cancel();
            }
        });

        Assert.ThrowsAny<OperationCanceledException>(() => stage.Run(Problems, output, progress, cancellation.Token));
        var partial = JsonLines.Read<TrajectoryRecord>(output).Count();
        stage.Run(Problems, output);

        Assert.InRange(partial, 2, 3);
        Assert.Equal(6, JsonLines.Read<TrajectoryRecord>(output).Select(r => r.Id).Distinct().Count());
    }

    private static TrajectoryStage Stage(string modelFolder, out LocalGenerationEngine engine, int batchSize = 4)
    {
        var options = new TrajectoryOptions { MaxNewTokens = 6, BatchSize = batchSize };
        var bundle = ModelBundle.Load(modelFolder);
        engine = StageEngine.Create(bundle, batchSize, options.MaxNewTokens, TrajectoryStage.PromptsFor(Problems, options, bundle.Family));
        return new TrajectoryStage(engine, options, modelFolder);
    }
}
