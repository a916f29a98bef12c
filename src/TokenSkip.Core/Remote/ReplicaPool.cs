using System.Globalization;
using Polly;
using Polly.Retry;

namespace TokenSkip.Core.Remote;

/// <summary>
/// The replicas of an <see cref="OpenAICompatibleEngine"/>: each request goes to the replica with the fewest outstanding
/// requests (ties taken in turn); a replica that keeps failing (or refuses connections) is taken out and probed back in
/// every <see cref="OpenAICompatibleEngineOptions.ProbeInterval"/>; one that answered <c>Retry-After</c> gets nothing
/// until then. When every replica is out a request waits for one to come back, up to
/// <see cref="OpenAICompatibleEngineOptions.UnavailableTimeout"/>, then fails naming them all.
/// </summary>
internal sealed class ReplicaPool : IDisposable
{
    private readonly Replica[] _replicas;
    private readonly OpenAICompatibleEngineOptions _options;
    private readonly Func<Uri, CancellationToken, Task> _probe;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _probeRetries;
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _turn;

    /// <summary>Creates the pool.</summary>
    /// <param name="options">Endpoints, ejection and waiting settings (validated).</param>
    /// <param name="probe">Asks a replica whether it is back; throws when it is not.</param>
    /// <param name="time">The clock.</param>
    public ReplicaPool(OpenAICompatibleEngineOptions options, Func<Uri, CancellationToken, Task> probe, TimeProvider time)
    {
        _options = options;
        _replicas = options.Endpoints.Select(e => new Replica(e)).ToArray();
        _probe = probe;
        _time = time;
        _probeRetries = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not null && !args.Context.CancellationToken.IsCancellationRequested),
                MaxRetryAttempts = int.MaxValue,
                Delay = options.ProbeInterval,
                BackoffType = DelayBackoffType.Constant,
            })
            .Build();
    }

    /// <summary>The replicas, in the order given.</summary>
    public IReadOnlyList<Replica> Replicas => _replicas;

    /// <summary>
    /// Takes the available replica with the fewest outstanding requests, preferring one other than
    /// <paramref name="avoid"/> (the replica the request just failed on) on a tie; waits while none is available.
    /// </summary>
    /// <exception cref="EndpointsUnavailableException">No replica came back within the deadline.</exception>
    public async Task<ReplicaLease> AcquireAsync(Replica? avoid, CancellationToken cancellationToken)
    {
        long? waitingSince = null;
        while (true)
        {
            Task changed;
            TimeSpan? nextFree;
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                if (Pick(now, avoid) is { } chosen)
                {
                    chosen.Outstanding++;
                    return new ReplicaLease(this, chosen);
                }

                changed = _changed.Task;
                nextFree = _replicas.Where(r => !r.Ejected).Select(r => r.NotBefore - now).DefaultIfEmpty().Min() is var wait && wait > TimeSpan.Zero
                    ? wait
                    : null;
            }

            waitingSince ??= _time.GetTimestamp();
            var left = _options.UnavailableTimeout - _time.GetElapsedTime(waitingSince.Value);
            if (left <= TimeSpan.Zero)
            {
                throw Unavailable();
            }

            using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
            var sleep = Task.Delay(nextFree is { } free && free < left ? free : left, _time, wake.Token);
            await Task.WhenAny(changed, sleep).ConfigureAwait(false);
            await wake.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        }
    }

    /// <summary>Records a success: the replica's failure count starts again.</summary>
    public void ReportSuccess(Replica replica)
    {
        lock (_gate)
        {
            replica.ConsecutiveFailures = 0;
        }
    }

    /// <summary>
    /// Records a failed attempt: a refused connection, or <see cref="OpenAICompatibleEngineOptions.FailuresToEject"/> in a
    /// row, takes the replica out (and starts probing it); a <c>Retry-After</c> keeps requests away until then.
    /// </summary>
    public void ReportFailure(Replica replica, ReplicaFailureException failure)
    {
        var eject = false;
        lock (_gate)
        {
            replica.ConsecutiveFailures++;
            replica.LastError = failure.Message;
            if (failure.RetryAfter is { } after && after > TimeSpan.Zero)
            {
                var until = _time.GetUtcNow() + after;
                replica.NotBefore = until > replica.NotBefore ? until : replica.NotBefore;
            }

            if (!replica.Ejected && (failure.Refused || replica.ConsecutiveFailures >= _options.FailuresToEject))
            {
                replica.Ejected = eject = true;
            }
        }

        if (eject)
        {
            _ = ProbeUntilBackAsync(replica);
        }
    }

    /// <summary>Ends a lease.</summary>
    public void Release(Replica replica)
    {
        lock (_gate)
        {
            replica.Outstanding--;
        }
    }

    /// <summary>Stops the probes; waiting requests fail.</summary>
    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    private Replica? Pick(DateTimeOffset now, Replica? avoid)
    {
        Replica? best = null;
        var start = _turn++;
        for (var i = 0; i < _replicas.Length; i++)
        {
            var replica = _replicas[(int)((uint)(start + i) % (uint)_replicas.Length)];
            if (replica.Ejected || replica.NotBefore > now)
            {
                continue;
            }

            if (best is null || replica.Outstanding < best.Outstanding || (replica.Outstanding == best.Outstanding && best == avoid))
            {
                best = replica;
            }
        }

        return best;
    }

    private async Task ProbeUntilBackAsync(Replica replica)
    {
        try
        {
            await Task.Delay(_options.ProbeInterval, _time, _disposed.Token).ConfigureAwait(false);
            await _probeRetries.ExecuteAsync(async token => await _probe(replica.Endpoint, token).ConfigureAwait(false), _disposed.Token)
                .ConfigureAwait(false);
            lock (_gate)
            {
                replica.Ejected = false;
                replica.ConsecutiveFailures = 0;
                Signal();
            }
        }
        catch (OperationCanceledException)
        {
            // the pool was disposed
        }
        catch (ObjectDisposedException)
        {
            // the pool was disposed
        }
    }

    // Wakes every waiting request to look again (called under the lock).
    private void Signal()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private EndpointsUnavailableException Unavailable()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var states = _replicas.Select(r => r.Endpoint + " (" + (r.Ejected
                ? "out: " + (r.LastError ?? "failing")
                : r.NotBefore > now
                    ? "asked to wait until " + r.NotBefore.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + (r.LastError is null ? string.Empty : ": " + r.LastError)
                    : "available") + ")");
            return new EndpointsUnavailableException(
                string.Create(CultureInfo.InvariantCulture, $"no endpoint could take the request within {_options.UnavailableTimeout.TotalSeconds:0.###} s: ")
                + string.Join("; ", states), _replicas.Select(r => r.Endpoint).ToArray());
        }
    }
}
