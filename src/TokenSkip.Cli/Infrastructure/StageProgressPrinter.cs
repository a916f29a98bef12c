using System.Diagnostics;
using TokenSkip.Pipeline.Stages;

namespace TokenSkip.Cli.Infrastructure;

/// <summary>
/// Prints stage progress to stderr at most once a second: "trajectories 120/7473 (1.6%), 3.1/s, ETA 39m".
/// On a terminal the line is rewritten in place; when redirected, each report is its own line.
/// </summary>
internal sealed class StageProgressPrinter(TextWriter error, bool interactive) : IProgress<StageProgress>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan? _lastPrint;
    private string? _stage;
    private int _startDone;
    private TimeSpan _stageStart;

    // Reports may come from several threads (the default-model recipe runs two branches side by side).
    private readonly Lock _gate = new();

    public void Report(StageProgress value)
    {
        lock (_gate)
        {
            Print(value);
        }
    }

    private void Print(StageProgress value)
    {
        var now = _clock.Elapsed;
        if (value.Stage != _stage)
        {
            // A new stage (one printer can serve a recipe's several stages): its rate starts from here.
            (_stage, _startDone, _stageStart, _lastPrint) = (value.Stage, value.Done, now, null);
        }

        var complete = value.Done >= value.Total;
        if (!complete && _lastPrint is { } last && now - last < TimeSpan.FromSeconds(1))
        {
            return;
        }

        _lastPrint = now;
        var rate = (value.Done - _startDone) / Math.Max((now - _stageStart).TotalSeconds, 1e-3);
        var eta = rate > 0 ? TimeSpan.FromSeconds((value.Total - value.Done) / rate) : (TimeSpan?)null;
        var percent = value.Total == 0 ? 100 : 100.0 * value.Done / value.Total;
        var line = $"{value.Stage} {value.Done}/{value.Total} ({percent:F1}%), {rate:F1}/s{(eta is { } e && !complete ? $", ETA {Format(e)}" : string.Empty)}";
        if (interactive)
        {
            error.Write("\r" + line.PadRight(70) + (complete ? "\n" : string.Empty));
        }
        else
        {
            error.WriteLine(line);
        }
    }

    private static string Format(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{(int)span.TotalHours}h{span.Minutes:D2}m" : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m{span.Seconds:D2}s" : $"{span.Seconds}s";
}
