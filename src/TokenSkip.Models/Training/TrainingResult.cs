namespace TokenSkip.Models.Training;

/// <summary>The outcome of a completed run.</summary>
/// <param name="Steps">Optimizer steps of the run (all of them, including those before a resumption).</param>
/// <param name="ResumedFromStep">The checkpoint step this invocation continued from, or null for a fresh run.</param>
/// <param name="FinalLoss">The last step's loss (NaN when this invocation took no step).</param>
/// <param name="Rows">Training rows (examples, or packed rows).</param>
/// <param name="DroppedExamples">Examples left without a loss target after truncation, and skipped.</param>
/// <param name="Elapsed">Time this invocation took.</param>
public sealed record TrainingResult(int Steps, int? ResumedFromStep, double FinalLoss, int Rows, int DroppedExamples, TimeSpan Elapsed);
