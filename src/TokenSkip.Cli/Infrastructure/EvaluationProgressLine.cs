using System.Globalization;
using TokenSkip.Pipeline.Evaluation;

namespace TokenSkip.Cli.Infrastructure;

/// <summary>One line describing an evaluation's progress: stage, samples done, accuracy so far, time left.</summary>
internal static class EvaluationProgressLine
{
    public static string Format(EvaluationProgress progress)
    {
        var stage = $"[{progress.StageNumber}/{progress.StageCount}] {progress.Stage}";
        if (progress.MeasuringThroughput)
        {
            return $"{stage}: measuring batched throughput";
        }

        var accuracy = progress.Accuracy is { } a ? (100 * a).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "–";
        var remaining = progress.Remaining is { } r ? Duration(r) : "–";
        var resumed = progress.Resumed > 0 ? $" ({progress.Resumed} resumed)" : string.Empty;
        return $"{stage}: {progress.Completed}/{progress.Total} samples{resumed}, accuracy {accuracy}, ETA {remaining}";
    }

    private static string Duration(TimeSpan span) =>
        span.TotalHours >= 1
            ? $"{(int)span.TotalHours}h{span.Minutes:00}m"
            : span.TotalMinutes >= 1 ? $"{span.Minutes}m{span.Seconds:00}s" : $"{span.Seconds}s";
}
