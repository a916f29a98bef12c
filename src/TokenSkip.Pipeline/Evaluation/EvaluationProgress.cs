namespace TokenSkip.Pipeline.Evaluation;

/// <summary>Where an evaluation stands, reported after every sample and at the start of every stage.</summary>
/// <param name="Stage">The stage running.</param>
/// <param name="StageNumber">1-based position of the stage.</param>
/// <param name="StageCount">Stages in the run.</param>
/// <param name="Completed">Samples of this stage finished, those found from an earlier run included.</param>
/// <param name="Total">Samples in the stage.</param>
/// <param name="Correct">Correct samples among <paramref name="Completed"/>.</param>
/// <param name="Resumed">Samples of this stage found finished from an earlier run.</param>
/// <param name="Elapsed">Time spent on this stage in this run.</param>
/// <param name="MeasuringThroughput">True while the stage's batched throughput measurement runs.</param>
public sealed record EvaluationProgress(
    EvaluationStage Stage,
    int StageNumber,
    int StageCount,
    int Completed,
    int Total,
    int Correct,
    int Resumed,
    TimeSpan Elapsed,
    bool MeasuringThroughput = false)
{
    /// <summary>Accuracy so far, or null before the first sample.</summary>
    public double? Accuracy => Completed == 0 ? null : (double)Correct / Completed;

    /// <summary>Time left for this stage at the pace of this run, or null before a sample was generated in it.</summary>
    public TimeSpan? Remaining => Completed > Resumed ? Elapsed / (Completed - Resumed) * (Total - Completed) : null;
}
