namespace TokenSkip.Core.Engine;

/// <summary>
/// A request value that cannot be served: out of range, of the wrong kind, or in conflict with another. Every door
/// reports it the same way: the server as a 400 whose <c>param</c> is <see cref="Parameter"/>, the chat clients as this
/// exception (an <see cref="ArgumentException"/>, so existing handlers still catch it). <see cref="ArgumentException.ParamName"/>
/// stays null so the message carries no " (Parameter ...)" suffix; the field is <see cref="Parameter"/>.
/// </summary>
public sealed class InvalidRequestException : ArgumentException
{
    /// <summary>Creates the exception for the request field <paramref name="parameter"/> (OpenAI's snake_case name).</summary>
    public InvalidRequestException(string parameter, string message, string? code = null)
        : base(message)
    {
        ArgumentException.ThrowIfNullOrEmpty(parameter);
        Parameter = parameter;
        Code = code;
    }

    /// <summary>The request field at fault, as OpenAI names it (<c>temperature</c>, <c>messages[2].role</c>, <c>compression_ratio</c>).</summary>
    public string Parameter { get; }

    /// <summary>An OpenAI-style error code (<c>invalid_value</c> when null).</summary>
    public string? Code { get; }
}
