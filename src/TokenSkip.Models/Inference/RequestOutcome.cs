namespace TokenSkip.Models.Inference;

/// <summary>How a request handled by a <see cref="BatchScheduler"/> ended.</summary>
public enum RequestOutcome
{
    /// <summary>A stop token or stop string ended it.</summary>
    Stop,

    /// <summary>It reached its token limit.</summary>
    Length,

    /// <summary>Its caller cancelled it.</summary>
    Cancelled,

    /// <summary>It ran past <see cref="BatchSchedulerOptions.RequestTimeout"/>.</summary>
    Deadline,

    /// <summary>Its prompt was refused, or a model step failed.</summary>
    Error,

    /// <summary>The scheduler stopped before it finished.</summary>
    Shutdown,
}
