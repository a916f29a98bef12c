namespace TokenSkip.Models.Training;

/// <summary>
/// One row of training data before batching: token ids and, per position, the id it is trained to be
/// (<see cref="Ignored"/> for prompt tokens). The loss at position t is that of predicting <c>Labels[t + 1]</c>.
/// </summary>
internal sealed class TrainingSequence(long[] ids, long[] labels)
{
    /// <summary>PyTorch's <c>ignore_index</c>: positions with this label are no loss target.</summary>
    public const int Ignored = -100;

    public long[] Ids { get; } = ids;

    public long[] Labels { get; } = labels;

    public int Length => Ids.Length;

    /// <summary>Positions that are loss targets (the first position never is: nothing precedes it).</summary>
    public int TargetCount { get; } = labels.Skip(1).Count(l => l != Ignored);
}
