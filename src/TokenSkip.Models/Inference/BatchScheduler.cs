using System.Threading.Channels;
using TokenSkip.Core.Generation;

namespace TokenSkip.Models.Inference;

/// <summary>
/// Serves a <see cref="ContinuousBatch"/> to many callers from the one thread that owns the model: callers
/// <see cref="TrySubmit"/> requests from any thread into a bounded queue and read their tokens from a channel; the model
/// thread's <see cref="Run"/> loop, between decode steps, ends cancelled and expired requests (freeing their slots), admits
/// queued requests into free slots, then runs one <see cref="ContinuousBatch.Step"/> and routes each token to its request.
/// The in-process <see cref="LocalGenerationEngine"/> and the server's model worker both run on it.
/// </summary>
/// <remarks>
/// <see cref="Run"/> and <see cref="EndAll"/> belong to the model thread; <see cref="TrySubmit"/>, <see cref="Wake"/> and
/// the counts are safe from any thread.
/// </remarks>
public sealed class BatchScheduler
{
    private readonly ContinuousBatch _batch;
    private readonly WorkQueue _queue;
    private readonly BatchSchedulerOptions _options;
    private readonly IBatchSchedulerObserver? _observer;
    private readonly TimeProvider _time;
    private readonly Dictionary<int, GenerationWork> _running = [];
    private volatile int _active;

    /// <summary>Creates a scheduler over <paramref name="batch"/>, which stays the caller's to dispose (after <see cref="Run"/> returns).</summary>
    public BatchScheduler(ContinuousBatch batch, BatchSchedulerOptions? options = null, IBatchSchedulerObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _batch = batch;
        _options = (options ?? new BatchSchedulerOptions()).Validate();
        _observer = observer;
        _time = _options.Time;
        _queue = new WorkQueue(_options.MaxQueueLength);
    }

    /// <summary>Requests holding a slot, as of the last step (readable from any thread).</summary>
    public int ActiveCount => _active;

    /// <summary>Requests accepted but not yet decoding.</summary>
    public int QueuedCount => _queue.Count;

    /// <summary>The most requests the queue holds (<see cref="BatchSchedulerOptions.MaxQueueLength"/>).</summary>
    public int QueueCapacity => _queue.Capacity;

    /// <summary>
    /// Queues a request unless the queue is full or closed; safe from any thread. On <see cref="EnqueueResult.Accepted"/>,
    /// <paramref name="updates"/> streams one update per token, the last with finish reason and usage, and ends with an
    /// exception when the request is cancelled (<see cref="OperationCanceledException"/>), refused by the batch
    /// (<see cref="ArgumentException"/>), expires (<see cref="BatchSchedulerOptions.DeadlineError"/>) or is cut by a stop
    /// (<see cref="BatchSchedulerOptions.ShutdownError"/>). Cancelling <paramref name="cancellationToken"/> frees the slot
    /// before the next step; a request still queued is dropped at once.
    /// </summary>
    /// <remarks>Check the prompt with <see cref="ContinuousBatch.CheckPrompt"/> first to refuse it before it is queued.</remarks>
    public EnqueueResult TrySubmit(IReadOnlyList<int> promptIds, GenerationOptions options, CancellationToken cancellationToken,
        out ChannelReader<GenerationUpdate> updates)
    {
        ArgumentNullException.ThrowIfNull(promptIds);
        ArgumentNullException.ThrowIfNull(options);
        var now = _time.GetTimestamp();
        var work = new GenerationWork(promptIds, options, now, DeadlineFrom(now), cancellationToken);
        work.WatchCancellation(CancelQueued);
        var result = _queue.TryEnqueue(work);
        if (result != EnqueueResult.Accepted)
        {
            work.Complete();
        }

        updates = work.Reader;
        return result;
    }

    /// <summary>
    /// Serves until <paramref name="stopping"/> fires and either everything accepted has finished or
    /// <paramref name="mustAbort"/> (given the current timestamp) says to stop waiting; then ends whatever is left with
    /// <see cref="BatchSchedulerOptions.ShutdownError"/>. Either way the queue is closed on return, so nothing is accepted
    /// after. Runs on the model thread.
    /// </summary>
    public void Run(CancellationToken stopping, Func<long, bool> mustAbort)
    {
        ArgumentNullException.ThrowIfNull(mustAbort);
        while (true)
        {
            var now = _time.GetTimestamp();
            if (stopping.IsCancellationRequested && mustAbort(now))
            {
                EndAll(_options.ShutdownError());
                return;
            }

            EndCancelledAndExpired(now);
            Admit(now);
            _active = _batch.ActiveCount;
            if (_batch.ActiveCount == 0)
            {
                // Leave only with the queue closed while empty: a request accepted a moment ago is still served.
                if (stopping.IsCancellationRequested && _queue.TryCloseEmpty())
                {
                    return;
                }

                _queue.WaitForWork(stopping);
                continue;
            }

            _options.BeforeStep?.Invoke(_batch.ActiveCount);
            Step();
        }
    }

    /// <summary>
    /// Ends every running and queued request with <paramref name="error"/> and closes the queue for good; on the model
    /// thread, while the batch is still alive (after <see cref="Run"/>, e.g. when the thread is leaving on a crash).
    /// </summary>
    public void EndAll(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var now = _time.GetTimestamp();
        foreach (var (slot, work) in _running)
        {
            _batch.Leave(slot);
            End(work, now, RequestOutcome.Shutdown, error);
        }

        _running.Clear();
        foreach (var work in _queue.Close())
        {
            End(work, now, RequestOutcome.Shutdown, error);
        }

        _active = _batch.ActiveCount;
    }

    /// <summary>Wakes the model thread if it is waiting for work (e.g. to notice a stop).</summary>
    public void Wake() => _queue.Wake();

    // Ends a request whose client cancelled while it was still queued; runs on the cancelling thread.
    private void CancelQueued(GenerationWork work)
    {
        if (_queue.TryRemove(work))
        {
            End(work, _time.GetTimestamp(), RequestOutcome.Cancelled, Cancelled(work));
        }
    }

    private void Step()
    {
        IReadOnlyList<GenerationUpdate> updates;
        try
        {
            updates = _batch.Step();
        }
        catch (Exception e)
        {
            // A failed step ends the requests it was serving, not the model thread.
            _observer?.StepFailed(e, _running.Count);
            var now = _time.GetTimestamp();
            foreach (var (slot, work) in _running)
            {
                _batch.Leave(slot);
                End(work, now, RequestOutcome.Error, e);
            }

            _running.Clear();
            _active = _batch.ActiveCount;
            return;
        }

        var stepEnd = _time.GetTimestamp();
        if (updates.Count > 0)
        {
            _observer?.StepCompleted(updates.Select(u => u.RequestIndex).Distinct().Count(), updates.Count);
        }

        foreach (var update in updates)
        {
            if (!_running.TryGetValue(update.RequestIndex, out var work))
            {
                continue;
            }

            if (work.Tokens == 0)
            {
                _observer?.FirstToken(_time.GetElapsedTime(work.Arrival, stepEnd));
            }

            work.Deliver(update, stepEnd);
            if (update.IsFinal)
            {
                _running.Remove(update.RequestIndex);
                End(work, stepEnd, update.FinishReason == FinishReason.Stop ? RequestOutcome.Stop : RequestOutcome.Length, null);
            }
        }

        _active = _batch.ActiveCount;
    }

    private void EndCancelledAndExpired(long now)
    {
        List<int>? ended = null;
        foreach (var (slot, work) in _running)
        {
            if (work.IsCancelled || now >= work.Deadline)
            {
                _batch.Leave(slot);
                if (work.IsCancelled)
                {
                    End(work, now, RequestOutcome.Cancelled, Cancelled(work));
                }
                else
                {
                    End(work, now, RequestOutcome.Deadline, _options.DeadlineError());
                }

                (ended ??= []).Add(slot);
            }
        }

        foreach (var slot in ended ?? [])
        {
            _running.Remove(slot);
        }
    }

    private void Admit(long now)
    {
        while (_batch.HasFreeSlot && _queue.TryDequeue(out var work))
        {
            if (work.IsCancelled)
            {
                End(work, now, RequestOutcome.Cancelled, Cancelled(work));
            }
            else if (now >= work.Deadline)
            {
                End(work, now, RequestOutcome.Deadline, _options.DeadlineError());
            }
            else
            {
                try
                {
                    _running[_batch.Join(work.PromptIds, work.Options)] = work;
                }
                catch (ArgumentException e)
                {
                    End(work, now, RequestOutcome.Error, e);
                }
            }
        }
    }

    private void End(GenerationWork work, long now, RequestOutcome outcome, Exception? error)
    {
        if (error is null)
        {
            work.Complete();
        }
        else
        {
            work.Fail(error);
        }

        var decode = work.FirstTokenAt == 0 ? (TimeSpan?)null : _time.GetElapsedTime(work.FirstTokenAt, now);
        _observer?.RequestEnded(outcome, _time.GetElapsedTime(work.Arrival, now), work.Tokens, decode);
    }

    private long DeadlineFrom(long now) => _options.RequestTimeout == Timeout.InfiniteTimeSpan
        ? long.MaxValue
        : now + (long)(_options.RequestTimeout.TotalSeconds * _time.TimestampFrequency);

    private static OperationCanceledException Cancelled(GenerationWork work) =>
        new("the client cancelled the request", work.ClientToken);
}
