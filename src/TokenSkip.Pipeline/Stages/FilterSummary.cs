namespace TokenSkip.Pipeline.Stages;

/// <summary>What the filter stage kept and why it dropped the rest.</summary>
/// <param name="Total">Trajectories read.</param>
/// <param name="Incorrect">Dropped: wrong or missing answer.</param>
/// <param name="Truncated">Dropped: cut off by the token limit.</param>
/// <param name="TooLong">Dropped: CoT longer than the limit.</param>
/// <param name="Kept">Written.</param>
public sealed record FilterSummary(int Total, int Incorrect, int Truncated, int TooLong, int Kept)
{
    /// <summary>Fraction of trajectories with a correct answer (the target model's accuracy on the training set).</summary>
    public double Accuracy => Total == 0 ? 0 : (double)(Total - Incorrect) / Total;
}
