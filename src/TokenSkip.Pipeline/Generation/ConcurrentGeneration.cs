using System.Text;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;

namespace TokenSkip.Pipeline.Generation;

/// <summary>
/// Feeds prompts to an <see cref="IGenerationEngine"/> several at a time, so that a continuous-batching engine decodes
/// them together: a window of requests is kept in flight and refilled as each one finishes. Results are handed back on
/// the calling thread, one at a time, as they finish; the call returns only when no request of its own is left running.
/// </summary>
internal static class ConcurrentGeneration
{
    /// <summary>Generates one request alone and waits for it.</summary>
    public static EngineCompletion Generate(IGenerationEngine engine, GenerationRequest request, CancellationToken cancellationToken) =>
        CompleteAsync(engine, request, cancellationToken).GetAwaiter().GetResult();

    /// <summary>Submits every request at once and returns the completions in request order.</summary>
    public static IReadOnlyList<EngineCompletion> GenerateAll(IGenerationEngine engine, IReadOnlyList<GenerationRequest> requests,
        CancellationToken cancellationToken)
    {
        var completions = new EngineCompletion[requests.Count];
        Run(engine, Enumerable.Range(0, requests.Count).ToArray(), i => requests[i], requests.Count, (i, c) => completions[i] = c, cancellationToken);
        return completions;
    }

    /// <summary>
    /// Generates <paramref name="requestFor"/> of every item with up to <paramref name="concurrency"/> requests in flight,
    /// calling <paramref name="onCompleted"/> on this thread as each finishes. On the first failure (or cancellation) the
    /// requests still running are cancelled and waited for, then the failure is rethrown; items already handed to
    /// <paramref name="onCompleted"/> stay done.
    /// </summary>
    public static void Run<T>(IGenerationEngine engine, IReadOnlyList<T> items, Func<T, GenerationRequest> requestFor, int concurrency,
        Action<T, EngineCompletion> onCompleted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        using var inFlight = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = new List<(Task<EngineCompletion> Task, T Item)>();
        var next = 0;
        try
        {
            while (next < items.Count || running.Count > 0)
            {
                while (running.Count < concurrency && next < items.Count)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var item = items[next++];
                    running.Add((CompleteAsync(engine, requestFor(item), inFlight.Token), item));
                }

                // The earliest-submitted finished request first, so results come back in a stable order.
                Task.WhenAny(running.Select(r => r.Task)).GetAwaiter().GetResult();
                var index = running.FindIndex(r => r.Task.IsCompleted);
                var (task, done) = running[index];
                running.RemoveAt(index);
                onCompleted(done, task.GetAwaiter().GetResult());
            }
        }
        catch
        {
            inFlight.Cancel();
            foreach (var (task, _) in running)
            {
                // Their own errors (mostly the cancellation just requested) give way to the first one.
                try
                {
                    task.GetAwaiter().GetResult();
                }
                catch (Exception)
                {
                }
            }

            throw;
        }
    }

    private static async Task<EngineCompletion> CompleteAsync(IGenerationEngine engine, GenerationRequest request, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        GenerationUpdate? last = null;
        await foreach (var update in engine.GenerateAsync(request, cancellationToken).ConfigureAwait(false))
        {
            text.Append(update.TextDelta);
            last = update;
        }

        return last is { FinishReason: { } reason, Usage: { } usage }
            ? new EngineCompletion(text.ToString(), reason, usage)
            : throw new InvalidOperationException($"the engine for {engine.Info.ModelId} ended a generation without a final update");
    }
}
