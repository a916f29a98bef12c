using System.Collections.Concurrent;
using TokenSkip.Models.Inference;

namespace TokenSkip.Models.Tests.Inference;

/// <summary>Records what a scheduler reports: batch sizes per step and how requests ended.</summary>
internal sealed class RecordingObserver : IBatchSchedulerObserver
{
    public ConcurrentQueue<int> StepSizes { get; } = new();

    public ConcurrentQueue<(RequestOutcome Outcome, int Tokens)> Ended { get; } = new();

    public void StepCompleted(int sequences, int tokens) => StepSizes.Enqueue(sequences);

    public void FirstToken(TimeSpan sinceArrival)
    {
    }

    public void RequestEnded(RequestOutcome outcome, TimeSpan duration, int tokens, TimeSpan? decodeTime) => Ended.Enqueue((outcome, tokens));

    public void StepFailed(Exception error, int requests)
    {
    }
}
