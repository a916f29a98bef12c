namespace TokenSkip.Core.Remote;

/// <summary>One endpoint of a <see cref="ReplicaPool"/> and its health; every field is guarded by the pool's lock.</summary>
internal sealed class Replica(Uri endpoint)
{
    /// <summary>The API root.</summary>
    public Uri Endpoint { get; } = endpoint;

    /// <summary>Requests sent to it and not finished.</summary>
    public int Outstanding { get; set; }

    /// <summary>Attempts that failed since its last success.</summary>
    public int ConsecutiveFailures { get; set; }

    /// <summary>Taken out: no request goes to it until a probe finds it back.</summary>
    public bool Ejected { get; set; }

    /// <summary>No request goes to it before this time (what its <c>Retry-After</c> asked).</summary>
    public DateTimeOffset NotBefore { get; set; } = DateTimeOffset.MinValue;

    /// <summary>Its last failure, for error messages.</summary>
    public string? LastError { get; set; }
}
