namespace TokenSkip.Hosting.Errors;

/// <summary>The model cannot take requests: it is still loading, failed to load, or the server is shutting down (HTTP 503).</summary>
public sealed class ModelUnavailableException : Exception
{
    /// <summary>Creates the exception with a message saying why.</summary>
    public ModelUnavailableException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ModelUnavailableException(string message, Exception? innerException) : base(message, innerException)
    {
    }
}
