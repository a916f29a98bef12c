namespace TokenSkip.Models.Training;

/// <summary>
/// Linear warmup from 0 then cosine decay to 0, as Hugging Face's <c>get_cosine_schedule_with_warmup</c>: the
/// update of (0-based) step s uses lr · s / warmup during warmup, then lr · ½(1 + cos(π · progress)).
/// </summary>
/// <param name="PeakLearningRate">The learning rate at the end of warmup.</param>
/// <param name="WarmupSteps">Steps of linear warmup.</param>
/// <param name="TotalSteps">All optimizer steps of the run.</param>
public sealed record CosineSchedule(double PeakLearningRate, int WarmupSteps, int TotalSteps)
{
    /// <summary>The schedule for <paramref name="totalSteps"/> steps with ⌈ratio · total⌉ warmup steps.</summary>
    public static CosineSchedule WithWarmupRatio(double peakLearningRate, double warmupRatio, int totalSteps) =>
        new(peakLearningRate, (int)Math.Ceiling(warmupRatio * totalSteps), totalSteps);

    /// <summary>The learning rate of the update at (0-based) <paramref name="step"/>.</summary>
    public double LearningRate(int step)
    {
        if (step < WarmupSteps)
        {
            return PeakLearningRate * step / Math.Max(1, WarmupSteps);
        }

        var progress = (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps);
        return PeakLearningRate * Math.Max(0, 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
