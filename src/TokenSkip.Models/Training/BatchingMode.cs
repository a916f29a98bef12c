namespace TokenSkip.Models.Training;

/// <summary>How examples become rows of a batch.</summary>
public enum BatchingMode
{
    /// <summary>One example per row, right-padded to the longest row of the micro-batch (exact: causal attention never sees the padding).</summary>
    Padding,

    /// <summary>
    /// Consecutive examples concatenated into rows of up to the max length (no padding waste; as in plain packing,
    /// an example attends to the earlier ones in its row). Suits pretraining on many short sequences.
    /// </summary>
    Packing,
}
