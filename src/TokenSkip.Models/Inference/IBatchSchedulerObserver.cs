namespace TokenSkip.Models.Inference;

/// <summary>
/// Watches a <see cref="BatchScheduler"/> (metrics, logs, tests). Every call comes from the model thread between steps:
/// keep them quick and never throw.
/// </summary>
public interface IBatchSchedulerObserver
{
    /// <summary>A step produced <paramref name="tokens"/> tokens for <paramref name="sequences"/> sequences (the running batch size).</summary>
    void StepCompleted(int sequences, int tokens);

    /// <summary>A request's first token arrived <paramref name="sinceArrival"/> after it was submitted.</summary>
    void FirstToken(TimeSpan sinceArrival);

    /// <summary>
    /// A request ended: <paramref name="duration"/> from submission, <paramref name="tokens"/> generated, and
    /// <paramref name="decodeTime"/> from its first token to its end (null before a first token).
    /// </summary>
    void RequestEnded(RequestOutcome outcome, TimeSpan duration, int tokens, TimeSpan? decodeTime);

    /// <summary>A step threw; the <paramref name="requests"/> requests it was serving were ended with <paramref name="error"/>.</summary>
    void StepFailed(Exception error, int requests);
}
