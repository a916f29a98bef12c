namespace TokenSkip.Models.Inference;

/// <summary>The policy of a <see cref="BatchScheduler"/>: queue bound, per-request deadline, the clock, and what ends requests it cuts.</summary>
public sealed record BatchSchedulerOptions
{
    /// <summary>The most requests waiting for a slot; more are refused with <see cref="EnqueueResult.Full"/>. Default: unbounded.</summary>
    public int MaxQueueLength { get; init; } = int.MaxValue;

    /// <summary>How long a request may take from submission (queueing included) before it is ended; default infinite.</summary>
    public TimeSpan RequestTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>The clock of deadlines, <see cref="BatchScheduler.Run"/>'s timestamps and the observer's durations.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The error a request past <see cref="RequestTimeout"/> ends with. Default: <see cref="TimeoutException"/>.</summary>
    public Func<Exception> DeadlineError { get; init; } = () => new TimeoutException("the request ran past its time limit");

    /// <summary>
    /// The error requests cut by a stop end with (running ones, and queued ones that will never run).
    /// Default: <see cref="OperationCanceledException"/> saying the engine stopped.
    /// </summary>
    public Func<Exception> ShutdownError { get; init; } = () => new OperationCanceledException("the engine stopped before the request finished");

    /// <summary>Called on the model thread before every step with the number of active sequences (a test seam: it may block).</summary>
    public Action<int>? BeforeStep { get; init; }

    /// <summary>Checks every field and throws <see cref="ArgumentException"/> naming the first invalid one.</summary>
    public BatchSchedulerOptions Validate()
    {
        if (MaxQueueLength < 0)
        {
            throw new ArgumentException($"MaxQueueLength must be at least 0; got {MaxQueueLength}.", nameof(MaxQueueLength));
        }

        if (RequestTimeout <= TimeSpan.Zero && RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"RequestTimeout must be positive or infinite; got {RequestTimeout}.", nameof(RequestTimeout));
        }

        ArgumentNullException.ThrowIfNull(Time);
        ArgumentNullException.ThrowIfNull(DeadlineError);
        ArgumentNullException.ThrowIfNull(ShutdownError);
        return this;
    }
}
