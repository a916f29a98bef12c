namespace TokenSkip.Core.Remote;

/// <summary>A request's hold on a replica: counted in its outstanding requests until disposed.</summary>
internal sealed class ReplicaLease(ReplicaPool pool, Replica replica) : IDisposable
{
    private int _released;

    /// <summary>The replica the request goes to.</summary>
    public Replica Replica { get; } = replica;

    /// <summary>Ends the hold (once).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            pool.Release(Replica);
        }
    }
}
