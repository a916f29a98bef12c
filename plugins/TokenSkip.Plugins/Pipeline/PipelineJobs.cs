using System.Collections.Concurrent;
using System.Globalization;

namespace TokenSkip.Plugins;

/// <summary>
/// Runs long pipeline stages in the background and keeps their status, so that a kernel function can start one and
/// return at once, and an agent can poll or cancel it. Thread-safe.
/// </summary>
public sealed class PipelineJobs : IDisposable
{
    private readonly ConcurrentDictionary<string, Job> _jobs = new(StringComparer.Ordinal);
    private int _next;

    /// <summary>Starts <paramref name="work"/> as a job of <paramref name="stage"/>; returns its first status.</summary>
    /// <param name="stage">The stage's name.</param>
    /// <param name="work">The stage: reports progress, honours cancellation, returns a one-line result.</param>
    public PipelineJobStatus Start(string stage, Func<IProgress<PipelineProgress>, CancellationToken, Task<string>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var id = string.Create(CultureInfo.InvariantCulture, $"{stage}-{Interlocked.Increment(ref _next)}");
        var job = new Job(id, stage);
        _jobs[id] = job;
        job.Task = Task.Run(async () =>
        {
            try
            {
                job.Finish(PipelineJobState.Succeeded, await work(job, job.Cancellation.Token).ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (job.Cancellation.IsCancellationRequested)
            {
                job.Finish(PipelineJobState.Cancelled, "cancelled");
            }
            catch (Exception e)
            {
                job.Finish(PipelineJobState.Failed, e.Message);
            }
        });
        return job.Status;
    }

    /// <summary>The status of job <paramref name="id"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such job.</exception>
    public PipelineJobStatus Get(string id) => Find(id).Status;

    /// <summary>Every job's status, oldest first.</summary>
    public IReadOnlyList<PipelineJobStatus> List() =>
        _jobs.Values.Select(j => j.Status).OrderBy(s => int.Parse(s.Id[(s.Id.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Asks job <paramref name="id"/> to stop; returns its status.</summary>
    public PipelineJobStatus Cancel(string id)
    {
        var job = Find(id);
        job.Cancellation.Cancel();
        return job.Status;
    }

    /// <summary>Waits for job <paramref name="id"/> to finish and returns its final status.</summary>
    public async Task<PipelineJobStatus> WaitAsync(string id, CancellationToken cancellationToken = default)
    {
        var job = Find(id);
        await job.Task!.WaitAsync(cancellationToken).ConfigureAwait(false);
        return job.Status;
    }

    /// <summary>Cancels every running job.</summary>
    public void Dispose()
    {
        foreach (var job in _jobs.Values)
        {
            job.Cancellation.Cancel();
        }
    }

    private Job Find(string id) =>
        _jobs.TryGetValue(id, out var job) ? job : throw new KeyNotFoundException($"no pipeline job '{id}'.");

    private sealed class Job(string id, string stage) : IProgress<PipelineProgress>
    {
        private readonly object _gate = new();
        private PipelineJobStatus _status = new(id, stage, PipelineJobState.Running, 0, 0, "started");

        public CancellationTokenSource Cancellation { get; } = new();

        public Task? Task { get; set; }

        public PipelineJobStatus Status
        {
            get
            {
                lock (_gate)
                {
                    return _status;
                }
            }
        }

        public void Report(PipelineProgress value)
        {
            lock (_gate)
            {
                if (_status.State == PipelineJobState.Running)
                {
                    _status = _status with { Done = value.Done, Total = value.Total, Message = value.Message };
                }
            }
        }

        public void Finish(PipelineJobState state, string message)
        {
            lock (_gate)
            {
                _status = _status with { State = state, Message = message };
            }
        }
    }
}
