using TokenSkip.Models.Training;
using Xunit;

namespace TokenSkip.Models.Tests.Training;

public sealed class TrainingDataTests
{
    [Fact]
    public void OnlyCompletionTokensAreTargetsAndTheShiftIsByOne()
    {
        var (rows, dropped) = TrainingSequences.Build([new TrainingExample([1, 2, 3], [4, 5]), new TrainingExample([7], [8, 9, 10])], 16, BatchingMode.Padding);
        var batch = TrainingBatch.Collate(rows, padId: 0);

        Assert.Equal(0, dropped);
        Assert.Equal((2, 5), (batch.Rows, batch.Length));
        Assert.Equal([1, 2, 3, 4, 5, 7, 8, 9, 10, 0], batch.InputIds);
        // Position t predicts token t + 1: the prompt's last position predicts the first completion token.
        Assert.Equal([-100, -100, 4, 5, -100, 8, 9, 10, -100, -100], batch.Targets);
        Assert.Equal(5, batch.TargetCount);
        Assert.Equal(9, batch.TokenCount);
    }

    [Fact]
    public void TruncationKeepsThePromptAndDropsExamplesLeftWithoutTargets()
    {
        var (rows, dropped) = TrainingSequences.Build(
            [new TrainingExample([1, 2, 3], [4, 5, 6, 7]), new TrainingExample([1, 2, 3, 4, 5], [6]), new TrainingExample([1], [])], 5, BatchingMode.Padding);

        Assert.Equal(2, dropped);
        var row = Assert.Single(rows);
        Assert.Equal([1, 2, 3, 4, 5], row.Ids);
        Assert.Equal([-100, -100, -100, 4, 5], row.Labels);
    }

    [Fact]
    public void PackingFillsRowsInOrderWithoutSplittingExamples()
    {
        var examples = new[] { new TrainingExample([1], [2, 3]), new TrainingExample([4], [5]), new TrainingExample([6, 7], [8, 9]) };
        var (rows, _) = TrainingSequences.Build(examples, 6, BatchingMode.Packing);

        Assert.Equal(2, rows.Count);
        Assert.Equal([1, 2, 3, 4, 5], rows[0].Ids);
        Assert.Equal([-100, 2, 3, -100, 5], rows[0].Labels);
        Assert.Equal(3, rows[0].TargetCount);
        Assert.Equal([6, 7, 8, 9], rows[1].Ids);
    }

    [Fact]
    public void FingerprintsDifferWhenTheDataDoes()
    {
        var a = TrainingSequences.Build([new TrainingExample([1], [2, 3])], 8, BatchingMode.Padding).Rows;
        var b = TrainingSequences.Build([new TrainingExample([1, 2], [3])], 8, BatchingMode.Padding).Rows;

        Assert.Equal(TrainingSequences.Fingerprint(a), TrainingSequences.Fingerprint(a.ToList()));
        Assert.NotEqual(TrainingSequences.Fingerprint(a), TrainingSequences.Fingerprint(b));
    }

    [Fact]
    public void CosineScheduleWarmsUpLinearlyThenDecaysToZero()
    {
        var schedule = CosineSchedule.WithWarmupRatio(1e-3, 0.1, 95); // ⌈9.5⌉ = 10 warmup steps

        Assert.Equal(10, schedule.WarmupSteps);
        Assert.Equal(0, schedule.LearningRate(0));
        Assert.Equal(5e-4, schedule.LearningRate(5), 12);
        Assert.Equal(1e-3, schedule.LearningRate(10), 12);
        Assert.Equal(1e-3 * 0.5 * (1 + Math.Cos(Math.PI * 42 / 85.0)), schedule.LearningRate(52), 12);
        Assert.True(schedule.LearningRate(94) < 1e-6);
    }

    [Fact]
    public void PermutationsAreSeededAndComplete()
    {
        var a = SplitMix64.Permutation(50, SplitMix64.Mix(42, 0));

        Assert.Equal(Enumerable.Range(0, 50), a.Order());
        Assert.Equal(a, SplitMix64.Permutation(50, SplitMix64.Mix(42, 0)));
        Assert.NotEqual(a, SplitMix64.Permutation(50, SplitMix64.Mix(42, 1)));
    }
}
