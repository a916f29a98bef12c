using System.Diagnostics;

namespace TokenSkip.Models.Kernels;

/// <summary>
/// Runs the chunks of one job at a time on the calling thread and <c>threads − 1</c> dedicated workers. A decode step
/// issues a matrix-vector product every few tens of microseconds, so workers spin for a short while after each job
/// (waking a sleeping thread costs about as much as a small product) and only then block. Chunks are claimed one at a
/// time by whichever thread is free, the caller included, so a worker that is slow to wake (for example because another
/// process holds its core) leaves its share to the others instead of holding the job up.
/// </summary>
public sealed class KernelThreadPool : IDisposable
{
    private static readonly long SpinTicks = Stopwatch.Frequency / 2000; // 0.5 ms
    private static readonly Lock SharedGate = new();
    private static KernelThreadPool? _shared;

    private readonly Thread[] _workers;
    private readonly object _gate = new(); // Monitor.Wait needs an object, not a Lock
    private readonly Lock _runGate = new();
    private Batch? _current;
    private long _generation;
    private int _sleeping;
    private volatile bool _stopping;

    /// <summary>Creates a pool whose jobs run on <paramref name="threads"/> threads in all (the caller included).</summary>
    public KernelThreadPool(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        _workers = new Thread[threads - 1];
        for (var i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(Work) { IsBackground = true, Name = $"TokenSkip kernel {i + 1}" };
            _workers[i].Start();
        }
    }

    /// <summary>Threads a job runs on, the caller included.</summary>
    public int Threads { get; }

    /// <summary>A process-wide pool of <paramref name="threads"/> threads, replaced when a different count is asked for.</summary>
    public static KernelThreadPool Shared(int threads)
    {
        var pool = Volatile.Read(ref _shared);
        if (pool is not null && pool.Threads == threads)
        {
            return pool;
        }

        lock (SharedGate)
        {
            if (_shared is null || _shared.Threads != threads)
            {
                _shared?.Dispose();
                _shared = new KernelThreadPool(threads);
            }

            return _shared;
        }
    }

    /// <summary>Runs chunks 0..<paramref name="chunks"/>−1 of <paramref name="work"/> and returns when all are done.</summary>
    /// <remarks>One job at a time: calls from several threads at once are serialised.</remarks>
    public void Run(IChunkedWork work, int chunks)
    {
        if (_workers.Length == 0 || chunks <= 1)
        {
            for (var i = 0; i < chunks; i++)
            {
                work.RunChunk(i);
            }

            return;
        }

        lock (_runGate)
        {
            var batch = new Batch(work, chunks);
            Volatile.Write(ref _current, batch);
            Interlocked.Increment(ref _generation);
            if (Volatile.Read(ref _sleeping) > 0)
            {
                lock (_gate)
                {
                    Monitor.PulseAll(_gate);
                }
            }

            batch.RunChunks();
            var spinner = default(SpinWait);
            while (Volatile.Read(ref batch.Completed) < chunks)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            if (batch.Failure is { } failure)
            {
                throw new AggregateException("a kernel chunk failed", failure);
            }
        }
    }

    /// <summary>Stops the workers.</summary>
    public void Dispose()
    {
        _stopping = true;
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }
    }

    private void Work()
    {
        long seen = 0;
        while (!_stopping)
        {
            var generation = Volatile.Read(ref _generation);
            if (generation == seen)
            {
                WaitForWork(seen);
                continue;
            }

            seen = generation;
            Volatile.Read(ref _current)?.RunChunks();
        }
    }

    // Spins for a short while, then sleeps until Run pulses. _sleeping is raised with a full fence before the last
    // check of _generation, and Run bumps _generation (full fence) before reading _sleeping, so no wake-up is lost.
    private void WaitForWork(long seen)
    {
        var deadline = Stopwatch.GetTimestamp() + SpinTicks;
        for (var spin = 1; Stopwatch.GetTimestamp() < deadline; spin++)
        {
            if (Volatile.Read(ref _generation) != seen || _stopping)
            {
                return;
            }

            // Mostly pause, but now and then offer the core to any other runnable thread (this process's or not).
            if (spin % 16 == 0)
            {
                Thread.Yield();
            }
            else
            {
                Thread.SpinWait(16);
            }
        }

        lock (_gate)
        {
            Interlocked.Increment(ref _sleeping);
            while (Volatile.Read(ref _generation) == seen && !_stopping)
            {
                Monitor.Wait(_gate);
            }

            Interlocked.Decrement(ref _sleeping);
        }
    }

    /// <summary>One job's chunks and counters; a worker holding a finished batch finds nothing left to claim.</summary>
    private sealed class Batch(IChunkedWork work, int chunks)
    {
        public int Next;
        public int Completed;
        public Exception? Failure;

        public void RunChunks()
        {
            int chunk;
            while ((chunk = Interlocked.Increment(ref Next) - 1) < chunks)
            {
                try
                {
                    work.RunChunk(chunk);
                }
                catch (Exception e)
                {
                    Failure ??= e;
                }
                finally
                {
                    Interlocked.Increment(ref Completed);
                }
            }
        }
    }
}
