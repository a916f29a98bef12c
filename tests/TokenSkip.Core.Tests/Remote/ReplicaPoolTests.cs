using TokenSkip.Core.Remote;
using Xunit;

namespace TokenSkip.Core.Tests.Remote;

public sealed class ReplicaPoolTests
{
    private static readonly Uri A = ScriptedReplicas.Endpoint("a");
    private static readonly Uri B = ScriptedReplicas.Endpoint("b");
    private static readonly Uri C = ScriptedReplicas.Endpoint("c");

    [Fact]
    public async Task SpreadsRequestsOverTheLeastBusyReplicas()
    {
        using var pool = Pool([A, B, C]);

        var leases = new List<ReplicaLease>();
        for (var i = 0; i < 6; i++)
        {
            leases.Add(await pool.AcquireAsync(null, CancellationToken.None));
        }

        Assert.All(pool.Replicas, r => Assert.Equal(2, r.Outstanding));
        var fromB = leases.First(l => l.Replica.Endpoint == B);
        fromB.Dispose();
        fromB.Dispose(); // a lease ends once
        using var next = await pool.AcquireAsync(null, CancellationToken.None);
        Assert.Equal(B, next.Replica.Endpoint); // the one with a request fewer
        leases.ForEach(l => l.Dispose());
    }

    [Fact]
    public async Task OnATiePrefersAReplicaOtherThanTheOneThatJustFailed()
    {
        using var pool = Pool([A, B]);
        var a = pool.Replicas[0];

        for (var i = 0; i < 4; i++)
        {
            using var lease = await pool.AcquireAsync(a, CancellationToken.None);
            Assert.Equal(B, lease.Replica.Endpoint);
        }
    }

    [Fact]
    public async Task TakesOutAReplicaAfterFailuresInARowOrARefusedConnectionAndASuccessStartsTheCountAgain()
    {
        using var pool = Pool([A, B, C], failuresToEject: 3);
        var (a, b) = (pool.Replicas[0], pool.Replicas[1]);

        pool.ReportFailure(a, new ReplicaFailureException("a answered 500"));
        pool.ReportFailure(a, new ReplicaFailureException("a answered 500"));
        pool.ReportSuccess(a);
        pool.ReportFailure(a, new ReplicaFailureException("a answered 500"));
        pool.ReportFailure(a, new ReplicaFailureException("a answered 500"));
        Assert.False(a.Ejected);
        pool.ReportFailure(a, new ReplicaFailureException("a answered 500"));
        pool.ReportFailure(b, new ReplicaFailureException("b refused", refused: true));

        Assert.True(a.Ejected);
        Assert.True(b.Ejected);
        for (var i = 0; i < 3; i++)
        {
            using var lease = await pool.AcquireAsync(null, CancellationToken.None);
            Assert.Equal(C, lease.Replica.Endpoint);
        }
    }

    [Fact]
    public async Task ProbesAnEjectedReplicaBackIn()
    {
        var probes = 0;
        using var pool = Pool([A], probe: (_, _) => ++probes < 3 ? throw new HttpRequestException("still down") : Task.CompletedTask);
        var a = pool.Replicas[0];
        pool.ReportFailure(a, new ReplicaFailureException("refused", refused: true));

        using var lease = await pool.AcquireAsync(null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)); // waits for the probe

        Assert.Same(a, lease.Replica);
        Assert.Equal(3, probes);
        Assert.False(a.Ejected);
        Assert.Equal(0, a.ConsecutiveFailures);
    }

    [Fact]
    public async Task FailsNamingEveryEndpointAndItsErrorWhenNoneComesBackInTime()
    {
        using var pool = Pool([A, B], probe: (_, _) => throw new HttpRequestException("down"), unavailable: TimeSpan.FromMilliseconds(200));
        pool.ReportFailure(pool.Replicas[0], new ReplicaFailureException("http://a:8000/v1/completions failed: Connection refused", refused: true));
        pool.ReportFailure(pool.Replicas[1], new ReplicaFailureException("http://b:8000/v1/completions answered 503", retryAfter: TimeSpan.FromHours(1)));

        var error = await Assert.ThrowsAsync<EndpointsUnavailableException>(() => pool.AcquireAsync(null, CancellationToken.None));

        Assert.Equal([A, B], error.Endpoints);
        Assert.Contains("http://a:8000/v1/ (out: http://a:8000/v1/completions failed: Connection refused)", error.Message);
        Assert.Contains("http://b:8000/v1/ (asked to wait until", error.Message);
        Assert.Contains("answered 503", error.Message);
    }

    [Fact]
    public async Task KeepsRequestsAwayFromAReplicaUntilItsRetryAfter()
    {
        using var pool = Pool([A, B]);
        var a = pool.Replicas[0];
        pool.ReportFailure(a, new ReplicaFailureException("a answered 429", retryAfter: TimeSpan.FromHours(1)));

        var leases = new List<ReplicaLease>();
        for (var i = 0; i < 3; i++)
        {
            leases.Add(await pool.AcquireAsync(null, CancellationToken.None));
        }

        Assert.All(leases, l => Assert.Equal(B, l.Replica.Endpoint)); // though B is the busier one
        Assert.False(a.Ejected); // one failure: asked to wait, not taken out
        leases.ForEach(l => l.Dispose());
    }

    [Fact]
    public async Task AWaitingRequestStopsWhenCancelled()
    {
        using var pool = Pool([A], probe: (_, _) => throw new HttpRequestException("down"));
        pool.ReportFailure(pool.Replicas[0], new ReplicaFailureException("refused", refused: true));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pool.AcquireAsync(null, cancel.Token));
    }

    private static ReplicaPool Pool(Uri[] endpoints, Func<Uri, CancellationToken, Task>? probe = null, int failuresToEject = 3,
        TimeSpan? unavailable = null) =>
        new(new OpenAICompatibleEngineOptions
        {
            Endpoints = endpoints,
            FailuresToEject = failuresToEject,
            ProbeInterval = TimeSpan.FromMilliseconds(10),
            UnavailableTimeout = unavailable ?? TimeSpan.FromSeconds(30),
        }.Validate(), probe ?? ((_, _) => Task.CompletedTask), TimeProvider.System);
}
