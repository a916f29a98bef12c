namespace TokenSkip.Hosting.Errors;

/// <summary>A request ran past the server's request timeout (queueing included) and was ended (HTTP 504).</summary>
public sealed class DeadlineExceededException : TimeoutException
{
    /// <summary>Creates the exception with a message naming the timeout.</summary>
    public DeadlineExceededException(string message) : base(message)
    {
    }
}
