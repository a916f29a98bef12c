namespace TokenSkip.Core.Remote;

/// <summary>
/// No replica could take a request: every endpoint stayed out (failing, or asking to be left alone with
/// <c>Retry-After</c>) for longer than <see cref="OpenAICompatibleEngineOptions.UnavailableTimeout"/>. The message names
/// each endpoint with its last error.
/// </summary>
public sealed class EndpointsUnavailableException : HttpRequestException
{
    /// <summary>Creates the exception for <paramref name="endpoints"/>.</summary>
    public EndpointsUnavailableException(string message, IReadOnlyList<Uri> endpoints)
        : base(message)
    {
        Endpoints = endpoints;
    }

    /// <summary>The endpoints that were out.</summary>
    public IReadOnlyList<Uri> Endpoints { get; }
}
