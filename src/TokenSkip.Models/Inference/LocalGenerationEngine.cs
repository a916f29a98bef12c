using System.Runtime.CompilerServices;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Text;
using TokenSkip.Models.Loading;
using TokenSkip.Models.Runtime;
using TokenSkip.Models.Transformer;

namespace TokenSkip.Models.Inference;

/// <summary>
/// An in-process <see cref="IGenerationEngine"/> with continuous batching: a dedicated model thread owns the model and a
/// <see cref="ContinuousBatch"/> (TorchSharp scopes are per thread) and serves every request through a
/// <see cref="BatchScheduler"/>, so concurrent <see cref="GenerateAsync"/> calls decode together, joining and leaving the
/// batch between steps, each with its own options; tokens flow back through channels. Each request produces what it
/// produces alone (greedy, or sampled with its seed).
/// </summary>
/// <remarks>
/// Cancelling a request (or abandoning its enumeration) frees its slot before the next step. <see cref="Dispose"/> ends
/// requests still queued or running with <see cref="ObjectDisposedException"/> and releases the model and its KV cache on
/// the model thread. The server's model worker adds a bounded queue, deadlines and a shutdown drain to the same scheduler.
/// </remarks>
public sealed class LocalGenerationEngine : IGenerationEngine, IDisposable
{
    private static readonly ContinuousBatchOptions DefaultBatch = new() { PrefillChunkTokens = int.MaxValue };

    private readonly ModelBundle _bundle;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Thread _thread;
    private ContinuousBatch? _batch;
    private BatchScheduler? _scheduler;
    private Exception? _crash;
    private int _disposed;

    /// <summary>
    /// Takes ownership of <paramref name="bundle"/> and starts the model thread, which allocates the KV cache of
    /// <paramref name="batch"/>. Default: 16 slots of 2048 tokens (clipped to the model's context), prompts prefilled
    /// whole, so a request generates exactly what it would alone; the server instead prefills in chunks
    /// (<see cref="ContinuousBatchOptions.PrefillChunkTokens"/>) so long prompts do not stall running requests.
    /// </summary>
    /// <param name="bundle">The model and its tokenizer (required), family and card; see <see cref="ModelBundle.Load"/>.</param>
    /// <param name="batch">The batch's shape: concurrent sequences, tokens per sequence (the engine's context length), prefill chunk.</param>
    /// <param name="observer">Sees every step and request on the model thread (metrics, tests).</param>
    /// <exception cref="Checkpoints.ModelFormatException">The bundle has no tokenizer.</exception>
    public LocalGenerationEngine(ModelBundle bundle, ContinuousBatchOptions? batch = null, IBatchSchedulerObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        _bundle = bundle;
        Exception? startError = null;
        try
        {
            Tokenizer = bundle.Tokenizer;
            batch = (batch ?? DefaultBatch).Validate();
        }
        catch
        {
            bundle.Dispose();
            throw;
        }

        using var started = new ManualResetEventSlim();
        _thread = new Thread(() => RunModelThread(batch, observer, started, e => startError = e)) { IsBackground = true, Name = "TokenSkip model" };
        _thread.Start();
        started.Wait();
        if (startError is not null)
        {
            _thread.Join(); // the thread has released the bundle
            throw startError;
        }

        Info = bundle.InfoFor(_batch!.SlotTokens);
    }

    /// <summary>Takes ownership of <paramref name="model"/> and serves it with <paramref name="tokenizer"/> (default batch shape).</summary>
    public LocalGenerationEngine(CausalLanguageModel model, ITextTokenizer tokenizer, string? modelId = null)
        : this(new ModelBundle(model, tokenizer ?? throw new ArgumentNullException(nameof(tokenizer)), modelId))
    {
    }

    /// <inheritdoc />
    public EngineInfo Info { get; }

    /// <summary>The model's tokenizer.</summary>
    public ITextTokenizer Tokenizer { get; }

    /// <summary>Requests holding a KV cache slot, as of the last step.</summary>
    public int ActiveSequences => _scheduler?.ActiveCount ?? 0;

    /// <summary>Requests waiting for a slot.</summary>
    public int QueuedRequests => _scheduler?.QueuedCount ?? 0;

    /// <summary>Test seam: called on the model thread before every step with the number of active sequences.</summary>
    internal Action<int>? BeforeStep { get; set; }

    /// <summary>Loads a model folder (config, weights, tokenizer, card) through <see cref="ModelBundle.Load"/> into a new engine.</summary>
    /// <exception cref="Checkpoints.ModelFormatException">A file is missing or invalid; the message names it.</exception>
    public static LocalGenerationEngine Load(string folder, ModelLoadOptions? options = null) =>
        Load(folder, new ModelBundleOptions { Load = options ?? new ModelLoadOptions() });

    /// <summary>Loads a model folder (with an adapter, an id, ...) into a new engine whose batch has the shape of <paramref name="batch"/>.</summary>
    /// <exception cref="Checkpoints.ModelFormatException">A file is missing or invalid; the message names it.</exception>
    public static LocalGenerationEngine Load(string folder, ModelBundleOptions options, ContinuousBatchOptions? batch = null) =>
        new(ModelBundle.Load(folder, options), batch);

    /// <inheritdoc />
    public int CountTokens(string text) => Tokenizer.Encode(text).Count;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The request is invalid (options, empty prompt, ids outside the vocabulary, too long for a slot).</exception>
    /// <exception cref="ObjectDisposedException">The engine was disposed (before or while the request ran).</exception>
    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var ids = request.PromptIds ?? Tokenizer.Encode(request.PromptText!);
        _batch!.CheckPrompt(ids);

        // Linked so that a caller who stops enumerating early (without cancelling) still frees the slot.
        using var requestScope = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_scheduler!.TrySubmit(ids, request.Options, requestScope.Token, out var updates) != EnqueueResult.Accepted)
        {
            throw Stopped();
        }

        try
        {
            await foreach (var update in updates.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                // Buffered tokens are not handed out after cancellation: the caller sees at most the token in flight.
                cancellationToken.ThrowIfCancellationRequested();
                yield return update;
            }
        }
        finally
        {
            await requestScope.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops the model thread: requests still queued or running end with <see cref="ObjectDisposedException"/>, then the
    /// thread releases the KV cache and the model, and this call returns once it has.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Cancel(); // wakes the model thread if it waits for work; otherwise it stops before its next step
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }

        _stopping.Dispose();
    }

    private void RunModelThread(ContinuousBatchOptions batchOptions, IBatchSchedulerObserver? observer, ManualResetEventSlim started,
        Action<Exception> failedToStart)
    {
        try
        {
            try
            {
                _batch = new ContinuousBatch(_bundle.Model, Tokenizer, batchOptions);
                _scheduler = new BatchScheduler(_batch, new BatchSchedulerOptions
                {
                    ShutdownError = static () => new ObjectDisposedException(nameof(LocalGenerationEngine), "the engine was disposed before the request finished"),
                    BeforeStep = active => BeforeStep?.Invoke(active),
                }, observer);
            }
            catch (Exception e)
            {
                failedToStart(e);
                return;
            }
            finally
            {
                started.Set();
            }

            // Disposal stops at once: mustAbort is always true once _stopping fires.
            _scheduler.Run(_stopping.Token, static _ => true);
        }
        catch (Exception e)
        {
            _crash = e;
            _scheduler?.EndAll(new InvalidOperationException("the engine's model thread failed", e));
        }
        finally
        {
            // Native memory is released on the thread that used it.
            _batch?.Dispose();
            _bundle.Dispose();
        }
    }

    private Exception Stopped() => _crash is null
        ? new ObjectDisposedException(nameof(LocalGenerationEngine), "the engine was disposed")
        : new InvalidOperationException("the engine's model thread failed", _crash);
}
