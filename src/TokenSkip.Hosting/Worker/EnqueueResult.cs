namespace TokenSkip.Hosting.Worker;

/// <summary>What <see cref="WorkQueue.TryEnqueue"/> did with a request.</summary>
internal enum EnqueueResult
{
    /// <summary>Queued for the model thread.</summary>
    Accepted,

    /// <summary>Refused: the queue is at capacity.</summary>
    Full,

    /// <summary>Refused: the model thread has stopped taking work.</summary>
    Closed,
}
