namespace TokenSkip.Models.Training;

/// <summary>
/// A micro-batch ready for the model: ids [Rows, Length] and next-token targets [Rows, Length] (already shifted by
/// one: <c>Targets[r, t]</c> is the id position t must predict, or -100), flattened row-major.
/// </summary>
internal sealed class TrainingBatch
{
    private TrainingBatch(long[] inputIds, long[] targets, int rows, int length, int tokenCount, int targetCount)
    {
        (InputIds, Targets, Rows, Length, TokenCount, TargetCount) = (inputIds, targets, rows, length, tokenCount, targetCount);
    }

    public long[] InputIds { get; }

    public long[] Targets { get; }

    public int Rows { get; }

    public int Length { get; }

    /// <summary>Real (non-padding) tokens.</summary>
    public int TokenCount { get; }

    /// <summary>Positions that contribute to the loss.</summary>
    public int TargetCount { get; }

    /// <summary>Right-pads <paramref name="sequences"/> to the longest with <paramref name="padId"/> (padding is never a target).</summary>
    public static TrainingBatch Collate(IReadOnlyList<TrainingSequence> sequences, int padId)
    {
        var length = sequences.Max(s => s.Length);
        var inputs = new long[sequences.Count * length];
        var targets = new long[sequences.Count * length];
        Array.Fill(inputs, padId);
        Array.Fill(targets, TrainingSequence.Ignored);
        for (var row = 0; row < sequences.Count; row++)
        {
            var sequence = sequences[row];
            var offset = row * length;
            sequence.Ids.CopyTo(inputs.AsSpan(offset));

            // The shift: position t is trained to predict label t + 1.
            sequence.Labels.AsSpan(1).CopyTo(targets.AsSpan(offset));
        }

        return new TrainingBatch(inputs, targets, sequences.Count, length, sequences.Sum(s => s.Length), sequences.Sum(s => s.TargetCount));
    }
}
