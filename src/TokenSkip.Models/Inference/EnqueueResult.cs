namespace TokenSkip.Models.Inference;

/// <summary>What <see cref="BatchScheduler.TrySubmit"/> did with a request.</summary>
public enum EnqueueResult
{
    /// <summary>Queued for the model thread.</summary>
    Accepted,

    /// <summary>Refused: the queue is at capacity.</summary>
    Full,

    /// <summary>Refused: the model thread has stopped taking work (shutting down or stopped).</summary>
    Closed,
}
