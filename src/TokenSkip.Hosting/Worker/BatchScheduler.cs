using Microsoft.Extensions.Logging;
using TokenSkip.Core.Generation;
using TokenSkip.Hosting.Errors;
using TokenSkip.Hosting.Metrics;
using TokenSkip.Models.Inference;

namespace TokenSkip.Hosting.Worker;

/// <summary>
/// The model thread's loop: between decode steps it ends cancelled and expired requests (freeing their slots), admits
/// queued requests into free slots, then runs one <see cref="ContinuousBatch.Step"/> and routes each token to its
/// request. Everything here runs on the model thread except <see cref="CancelQueued"/>.
/// </summary>
internal sealed partial class BatchScheduler
{
    private readonly ContinuousBatch _batch;
    private readonly WorkQueue _queue;
    private readonly ServerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly TimeSpan _requestTimeout;
    private readonly Action<int> _beforeStep;
    private readonly ILogger _logger;
    private readonly Dictionary<int, GenerationWork> _running = [];
    private volatile int _active;

    public BatchScheduler(ContinuousBatch batch, WorkQueue queue, ServerMetrics metrics, TimeProvider time, TimeSpan requestTimeout,
        Action<int> beforeStep, ILogger logger)
    {
        _batch = batch;
        _queue = queue;
        _metrics = metrics;
        _time = time;
        _requestTimeout = requestTimeout;
        _beforeStep = beforeStep;
        _logger = logger;
    }

    /// <summary>Requests holding a slot, as of the last step (readable from any thread).</summary>
    public int ActiveCount => _active;

    /// <summary>
    /// Serves until <paramref name="stopping"/> fires and either everything accepted has finished or
    /// <paramref name="mustAbort"/> says the drain time is over; then ends whatever is left with
    /// <see cref="ModelUnavailableException"/>. Either way the queue is closed on return, so nothing is accepted after.
    /// </summary>
    public void Run(CancellationToken stopping, Func<long, bool> mustAbort)
    {
        while (true)
        {
            var now = _time.GetTimestamp();
            if (stopping.IsCancellationRequested && mustAbort(now))
            {
                AbortAll(now);
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

            _beforeStep(_batch.ActiveCount);
            Step();
        }
    }

    /// <summary>Ends a request whose client cancelled while it was still queued; safe from any thread.</summary>
    public void CancelQueued(GenerationWork work)
    {
        if (_queue.TryRemove(work))
        {
            End(work, _time.GetTimestamp(), "cancelled", Cancelled(work));
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
            // A failed step ends the requests it was serving, not the server.
            LogStepFailed(e, _running.Count);
            var now = _time.GetTimestamp();
            foreach (var (slot, work) in _running)
            {
                _batch.Leave(slot);
                End(work, now, "error", e);
            }

            _running.Clear();
            _active = _batch.ActiveCount;
            return;
        }

        var stepEnd = _time.GetTimestamp();
        if (updates.Count > 0)
        {
            _metrics.RecordStep(updates.Select(u => u.RequestIndex).Distinct().Count(), updates.Count);
        }

        foreach (var update in updates)
        {
            if (!_running.TryGetValue(update.RequestIndex, out var work))
            {
                continue;
            }

            if (work.Tokens == 0)
            {
                _metrics.RecordFirstToken(_time.GetElapsedTime(work.Arrival, stepEnd));
            }

            work.Deliver(update, stepEnd);
            if (update.IsFinal)
            {
                _running.Remove(update.RequestIndex);
                End(work, stepEnd, update.FinishReason == FinishReason.Stop ? "stop" : "length", null);
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
                    End(work, now, "cancelled", Cancelled(work));
                }
                else
                {
                    End(work, now, "deadline", Expired());
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
                End(work, now, "cancelled", Cancelled(work));
            }
            else if (now >= work.Deadline)
            {
                End(work, now, "deadline", Expired());
            }
            else
            {
                try
                {
                    _running[_batch.Join(work.PromptIds, work.Options)] = work;
                }
                catch (ArgumentException e)
                {
                    End(work, now, "error", e);
                }
            }
        }
    }

    private void AbortAll(long now)
    {
        var shutdown = new ModelUnavailableException("the server shut down before the request finished");
        foreach (var (slot, work) in _running)
        {
            _batch.Leave(slot);
            End(work, now, "shutdown", shutdown);
        }

        _running.Clear();
        foreach (var work in _queue.Close())
        {
            End(work, now, "shutdown", shutdown);
        }

        _active = 0;
    }

    private void End(GenerationWork work, long now, string outcome, Exception? error)
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
        _metrics.RecordRequest(_time.GetElapsedTime(work.Arrival, now), outcome, work.Tokens, decode);
    }

    private static OperationCanceledException Cancelled(GenerationWork work) =>
        new("the client cancelled the request", work.ClientToken);

    private DeadlineExceededException Expired() =>
        new($"the request ran past the server's request timeout ({_requestTimeout})");

    [LoggerMessage(Level = LogLevel.Error, Message = "A model step failed; ending the {Count} requests it was serving")]
    private partial void LogStepFailed(Exception error, int count);
}
