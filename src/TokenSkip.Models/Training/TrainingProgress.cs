namespace TokenSkip.Models.Training;

/// <summary>What the trainer reports after every optimizer step.</summary>
/// <param name="Step">Steps done (1-based).</param>
/// <param name="TotalSteps">Steps of the whole run.</param>
/// <param name="Epoch">Epochs done, fractional.</param>
/// <param name="Loss">Mean cross-entropy per target token of this step.</param>
/// <param name="LearningRate">The learning rate this step used.</param>
/// <param name="GradNorm">The global gradient norm before clipping.</param>
/// <param name="Tokens">Real (non-padding) tokens processed in this step.</param>
/// <param name="TokensPerSecond">This step's throughput.</param>
/// <param name="Elapsed">Time since this invocation started.</param>
/// <param name="Checkpoint">The checkpoint folder written after this step, if any.</param>
public sealed record TrainingProgress(
    int Step, int TotalSteps, double Epoch, double Loss, double LearningRate, double GradNorm, int Tokens,
    double TokensPerSecond, TimeSpan Elapsed, string? Checkpoint);
