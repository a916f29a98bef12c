namespace TokenSkip.Hosting.Errors;

/// <summary>The request queue is full (HTTP 429); try again after <see cref="RetryAfter"/>.</summary>
public sealed class ServerBusyException : Exception
{
    /// <summary>Creates the exception with a message and the suggested wait.</summary>
    public ServerBusyException(string message, TimeSpan retryAfter) : base(message)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>How long the client should wait before retrying.</summary>
    public TimeSpan RetryAfter { get; }
}
