using System.Net;

namespace TokenSkip.Core.Remote;

/// <summary>
/// An attempt that failed in a way worth retrying on another replica: a refused or dropped connection, a timeout, a
/// 408, 429 or 5xx answer, or a stream cut short. Retried by <see cref="OpenAICompatibleEngine"/>; the last one, when the
/// retries run out, is what the caller sees (wrapped, so its message says so).
/// </summary>
internal sealed class ReplicaFailureException : HttpRequestException
{
    public ReplicaFailureException(string message, Exception? inner = null, HttpStatusCode? status = null, TimeSpan? retryAfter = null,
        bool refused = false)
        : base(message, inner, status)
    {
        RetryAfter = retryAfter;
        Refused = refused;
    }

    /// <summary>How long the replica asked to be left alone (<c>Retry-After</c>), when it did.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Whether nothing listens at the endpoint (the replica is down): it is taken out at once.</summary>
    public bool Refused { get; }
}
