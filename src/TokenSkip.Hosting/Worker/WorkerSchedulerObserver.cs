using Microsoft.Extensions.Logging;
using TokenSkip.Hosting.Metrics;
using TokenSkip.Models.Inference;

namespace TokenSkip.Hosting.Worker;

/// <summary>Turns the scheduler's events into the server's metrics (outcome tags as the dashboards know them) and logs.</summary>
internal sealed partial class WorkerSchedulerObserver(ServerMetrics metrics, ILogger logger) : IBatchSchedulerObserver
{
    public void StepCompleted(int sequences, int tokens) => metrics.RecordStep(sequences, tokens);

    public void FirstToken(TimeSpan sinceArrival) => metrics.RecordFirstToken(sinceArrival);

    public void RequestEnded(RequestOutcome outcome, TimeSpan duration, int tokens, TimeSpan? decodeTime) =>
        metrics.RecordRequest(duration, Tag(outcome), tokens, decodeTime);

    public void StepFailed(Exception error, int requests) => LogStepFailed(error, requests);

    private static string Tag(RequestOutcome outcome) => outcome switch
    {
        RequestOutcome.Stop => "stop",
        RequestOutcome.Length => "length",
        RequestOutcome.Cancelled => "cancelled",
        RequestOutcome.Deadline => "deadline",
        RequestOutcome.Error => "error",
        RequestOutcome.Shutdown => "shutdown",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "A model step failed; ending the {Count} requests it was serving")]
    private partial void LogStepFailed(Exception error, int count);
}
