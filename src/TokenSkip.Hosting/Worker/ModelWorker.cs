using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Turns;
using TokenSkip.Hosting.Errors;
using TokenSkip.Hosting.Metrics;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Loading;

namespace TokenSkip.Hosting.Worker;

/// <summary>
/// The hosted model worker: loads the model once on its own dedicated thread (TorchSharp scopes are per thread), then
/// serves every request there with continuous batching — requests join and leave the running batch between decode steps,
/// each in its own KV cache slot with its own sampling settings, stop conditions and prompt. Work arrives through a
/// bounded queue. The batching itself is <see cref="BatchScheduler"/>, the scheduler the in-process
/// <see cref="LocalGenerationEngine"/> runs on too; the worker adds the server's policy around it (queue bound, request
/// deadlines, the shutdown drain, metrics). It is also an <see cref="IGenerationEngine"/>, so in-process callers (an SK connector in the same
/// host) share the batch with HTTP clients.
/// </summary>
/// <remarks>
/// Shutdown: from the host's first stopping signal (<see cref="StoppingAsync"/>, before Kestrel and other services stop)
/// new requests are refused and readiness fails; accepted ones run until they finish or until
/// <see cref="TokenSkipServerOptions.ShutdownTimeout"/> (or the host's own shutdown timeout) has passed, then are
/// cancelled. A client that cancels frees its slot before the next step; a request past
/// <see cref="TokenSkipServerOptions.RequestTimeout"/> is ended with <see cref="DeadlineExceededException"/>.
/// </remarks>
public sealed partial class ModelWorker : BackgroundService, IHostedLifecycleService, IGenerationEngine
{
    private readonly IModelLoader _loader;
    private readonly TokenSkipServerOptions _options;
    private readonly ServerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<ModelWorker> _logger;
    private readonly TaskCompletionSource<bool> _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _threadEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private int _state = (int)WorkerState.Loading;
    private long _drainDeadline = long.MaxValue;
    private volatile bool _forceStop;

    // Set on the model thread before the state turns Ready; read by request threads after they have seen Ready.
    private ModelBundle? _model;
    private ContinuousBatch? _batch;
    private BatchScheduler? _scheduler;
    private EngineInfo? _info;
    private TurnPolicy? _policy;

    /// <summary>Creates the worker; nothing is loaded until the host starts it.</summary>
    public ModelWorker(IModelLoader loader, IOptions<TokenSkipServerOptions> options, ServerMetrics metrics, TimeProvider time,
        ILogger<ModelWorker> logger)
    {
        ArgumentNullException.ThrowIfNull(loader);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        _loader = loader;
        _options = options.Value;
        _metrics = metrics;
        _time = time ?? TimeProvider.System;
        _logger = logger;
        metrics.Observe(() => QueuedRequests, () => ActiveSequences);
    }

    /// <summary>Where the worker is in its life.</summary>
    public WorkerState State => (WorkerState)Volatile.Read(ref _state);

    /// <summary>Completes with true once the model is loaded, or false when it never will be (load failed, or stopped first).</summary>
    public Task<bool> Loaded => _loaded.Task;

    /// <summary>Why loading failed, when <see cref="State"/> is <see cref="WorkerState.Failed"/>.</summary>
    public Exception? LoadError { get; private set; }

    /// <summary>The loaded model, or null before it is loaded.</summary>
    public ModelBundle? Model => State is WorkerState.Loading or WorkerState.Failed ? null : _model;

    /// <inheritdoc />
    /// <exception cref="ModelUnavailableException">The model is not loaded.</exception>
    public EngineInfo Info => State == WorkerState.Loading || _info is null ? throw NotReady() : _info;

    /// <summary>
    /// How every door of this server speaks to the model (prompt, defaults, report); its planner is shared with in-process
    /// clients over this worker (<see cref="TurnPolicy.For(IGenerationEngine, TurnPolicyOptions?)"/>).
    /// </summary>
    /// <exception cref="ModelUnavailableException">The model is not loaded.</exception>
    public TurnPolicy Policy => State == WorkerState.Loading || _policy is null ? throw NotReady() : _policy;

    /// <summary>When the model finished loading, or null before.</summary>
    public DateTimeOffset? LoadedAt { get; private set; }

    /// <summary>Requests holding a KV cache slot.</summary>
    public int ActiveSequences => _scheduler?.ActiveCount ?? 0;

    /// <summary>Requests accepted but not yet decoding.</summary>
    public int QueuedRequests => _scheduler?.QueuedCount ?? 0;

    /// <summary>Test seam: called on the model thread before every step with the number of active sequences.</summary>
    internal Action<int>? BeforeStep { get; set; }

    /// <summary>
    /// Test seam: when set, accepted requests are generated by this engine instead of the model (their prompt ids decoded
    /// back to text), so a test can script the model's output and read the prompt every door rendered, end to end.
    /// </summary>
    internal IGenerationEngine? ScriptedGeneration { get; set; }

    /// <summary>
    /// Accepts a request or refuses it at once, and returns the channel its tokens stream through: one update per token,
    /// the last with finish reason and usage. The channel ends with an exception when the request is cancelled
    /// (<see cref="OperationCanceledException"/>), times out (<see cref="DeadlineExceededException"/>) or is cut by shutdown
    /// (<see cref="ModelUnavailableException"/>). Cancelling <paramref name="cancellationToken"/> frees the request's slot
    /// before the next step.
    /// </summary>
    /// <exception cref="ModelUnavailableException">The model is loading, failed to load, or the server is shutting down.</exception>
    /// <exception cref="ServerBusyException">The queue is full.</exception>
    /// <exception cref="ContextLengthExceededException">The prompt does not fit the served context.</exception>
    /// <exception cref="InvalidRequestException">The request is invalid (options, empty prompt, ids outside the vocabulary); <see cref="InvalidRequestException.Parameter"/> names the field.</exception>
    public ChannelReader<GenerationUpdate> Submit(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var model = RequireReady();
        var ids = request.PromptIds ?? model.Tokenizer.Encode(request.PromptText!);
        var batch = _batch!;
        if (ids.Count >= batch.SlotTokens)
        {
            throw new ContextLengthExceededException(ids.Count, 0, batch.SlotTokens);
        }

        batch.CheckPrompt(ids);
        if (ScriptedGeneration is { } scripted)
        {
            return Scripted(scripted, request with { PromptText = model.Tokenizer.Decode(ids), PromptIds = null }, cancellationToken);
        }

        var scheduler = _scheduler!;
        var queued = scheduler.TrySubmit(ids, request.Options, cancellationToken, out var updates);
        if (queued == EnqueueResult.Closed)
        {
            throw NotReady();
        }

        if (queued == EnqueueResult.Full)
        {
            _metrics.RecordRejected();
            throw new ServerBusyException(
                $"the server is at capacity ({_options.MaxBatchSize} running, {scheduler.QueueCapacity} waiting); retry after {_options.RetryAfterSeconds} s",
                TimeSpan.FromSeconds(_options.RetryAfterSeconds));
        }

        return updates;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var updates = Submit(request, cancellationToken);
        await foreach (var update in updates.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return update;
        }
    }

    private static ChannelReader<GenerationUpdate> Scripted(IGenerationEngine engine, GenerationRequest request, CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<GenerationUpdate>();
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var update in engine.GenerateAsync(request, cancellationToken).ConfigureAwait(false))
                {
                    await channel.Writer.WriteAsync(update, cancellationToken).ConfigureAwait(false);
                }

                channel.Writer.TryComplete();
            }
            catch (Exception e)
            {
                channel.Writer.TryComplete(e);
            }
        }, CancellationToken.None);
        return channel.Reader;
    }

    /// <inheritdoc />
    public int CountTokens(string text) => RequireReady().Tokenizer.Encode(text).Count;

    /// <summary>
    /// Runs when the host begins to stop, before any service (Kestrel included) is stopped: refuses new requests (they get
    /// 503 while the listener is still open), then waits until the model thread has finished or cut every accepted request
    /// and released the model. The host's shutdown token ends the drain early; the model thread is waited for all the same.
    /// </summary>
    public Task StoppingAsync(CancellationToken cancellationToken) => DrainAsync(cancellationToken);

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Starts shutting down (refusing new work) and waits for the model thread to end, cutting leftovers when the host's
    /// patience ends. It returns only after the thread has released the model: a process that exits while libtorch still
    /// runs a step on another thread dies in native code.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await DrainAsync(cancellationToken).ConfigureAwait(false);
        await base.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        BeginStopping();
        if (ExecuteTask is null)
        {
            return; // never started: there is no model thread
        }

        using var force = cancellationToken.UnsafeRegister(static state => ((ModelWorker)state!).ForceStop(), this);

        // The thread checks between steps, so after ForceStop it ends within one step: waiting for it is bounded.
        await _threadEnded.Task.ConfigureAwait(false);
    }

    /// <summary>The loaded model, or the reason there is none.</summary>
    /// <exception cref="ModelUnavailableException">The model is not loaded or the server is shutting down.</exception>
    internal ModelBundle RequireReady() => State == WorkerState.Ready ? _model! : throw NotReady();

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        stoppingToken.UnsafeRegister(static state => ((ModelWorker)state!).BeginStopping(), this);
        var stopping = _stopping.Token;
        var thread = new Thread(() => RunModelThread(stopping)) { IsBackground = true, Name = "TokenSkip model worker" };
        thread.Start();
        return _finished.Task;
    }

    private void RunModelThread(CancellationToken stopping)
    {
        Exception? crash = null;
        try
        {
            if (TryLoad(stopping))
            {
                _scheduler!.Run(stopping, MustAbort);
            }
        }
        catch (Exception e)
        {
            crash = e;
            LogWorkerCrashed(e);
        }
        finally
        {
            if (State != WorkerState.Failed)
            {
                Volatile.Write(ref _state, (int)WorkerState.Stopped);
            }

            _loaded.TrySetResult(false);
            // Normally Run has ended everything and closed the queue; after a crash this ends what it left.
            _scheduler?.EndAll(new ModelUnavailableException("the model worker stopped before the request finished", crash));

            // Native memory is released here, on the thread that used it, and only then is anyone told the worker is done.
            _batch?.Dispose();
            _model?.Dispose();
            LogStopped();
            if (crash is not null)
            {
                _finished.TrySetException(crash);
            }
            else if (LoadError is not null)
            {
                _finished.TrySetException(LoadError);
            }
            else
            {
                _finished.TrySetResult();
            }

            _threadEnded.TrySetResult();
        }
    }

    private bool TryLoad(CancellationToken stopping)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            if (_options.Threads is { } threads)
            {
                TorchSharp.torch.set_num_threads(threads);
            }

            _model = _loader.Load(stopping);
            _batch = new ContinuousBatch(_model.Model, _model.Tokenizer, new ContinuousBatchOptions
            {
                Slots = _options.MaxBatchSize,
                SlotTokens = _options.ContextTokens,
                PrefillChunkTokens = _options.PrefillChunkTokens,
            });
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e)
        {
            LoadError = e;
            Volatile.Write(ref _state, (int)WorkerState.Failed);
            if (ModelFolderErrors.IsFolderProblem(e))
            {
                LogLoadRefused(e.Message); // the message names the file and the fault; a stack trace would bury it
            }
            else
            {
                LogLoadFailed(e);
            }

            return false;
        }

        var requestTimeout = _options.RequestTimeout;
        _scheduler = new BatchScheduler(_batch, new BatchSchedulerOptions
        {
            MaxQueueLength = _options.MaxQueueLength,
            RequestTimeout = requestTimeout,
            Time = _time,
            DeadlineError = () => new DeadlineExceededException($"the request ran past the server's request timeout ({requestTimeout})"),
            ShutdownError = static () => new ModelUnavailableException("the server shut down before the request finished"),
            BeforeStep = active => BeforeStep?.Invoke(active),
        }, new WorkerSchedulerObserver(_metrics, _logger));
        _info = _model.InfoFor(_batch.SlotTokens);
        var tokenizer = _model.Tokenizer;
        _policy = TurnPolicy.For(this, _info, text => tokenizer.Encode(text).Count, new TurnPolicyOptions
        {
            DefaultCompressionRatio = _options.DefaultCompressionRatio is { } gamma ? TurnPolicy.CheckRatio(gamma) : null,
            DefaultMaxOutputTokens = _options.DefaultMaxTokens,
        });
        LoadedAt = _time.GetUtcNow();
        Interlocked.CompareExchange(ref _state, (int)WorkerState.Ready, (int)WorkerState.Loading);
        _loaded.TrySetResult(true);
        LogLoaded(_model.ModelId, clock.Elapsed.TotalSeconds, _options.MaxBatchSize, _batch.SlotTokens, _batch.CacheBytes / (1024 * 1024));
        return true;
    }

    private void BeginStopping()
    {
        lock (_stopping)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            var previous = (WorkerState)Interlocked.CompareExchange(ref _state, (int)WorkerState.Stopping, (int)WorkerState.Ready);
            if (previous == WorkerState.Loading)
            {
                Interlocked.CompareExchange(ref _state, (int)WorkerState.Stopping, (int)WorkerState.Loading);
            }

            var drain = (long)(_options.ShutdownTimeout.TotalSeconds * _time.TimestampFrequency);
            Volatile.Write(ref _drainDeadline, _time.GetTimestamp() + drain);
            LogStopping(ActiveSequences + QueuedRequests, _options.ShutdownTimeout.TotalSeconds);
            _stopping.Cancel();
        }

        _scheduler?.Wake();
    }

    private void ForceStop()
    {
        _forceStop = true;
        _scheduler?.Wake();
    }

    private bool MustAbort(long now) => _forceStop || now >= Volatile.Read(ref _drainDeadline);

    private ModelUnavailableException NotReady() => State switch
    {
        WorkerState.Loading => new ModelUnavailableException("the model is still loading; retry when /health/ready reports Healthy"),
        WorkerState.Failed => new ModelUnavailableException($"the model failed to load: {LoadError?.Message}", LoadError),
        _ => new ModelUnavailableException("the server is shutting down"),
    };

    /// <inheritdoc />
    public override void Dispose()
    {
        base.Dispose();
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Model {ModelId} loaded in {Seconds:F1} s: {Slots} slots of {SlotTokens} tokens ({CacheMiB} MiB KV cache)")]
    private partial void LogLoaded(string modelId, double seconds, int slots, int slotTokens, long cacheMiB);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The model could not be loaded")]
    private partial void LogLoadFailed(Exception error);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The model could not be loaded: {Reason}")]
    private partial void LogLoadRefused(string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The model worker stopped unexpectedly")]
    private partial void LogWorkerCrashed(Exception error);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Shutting down: refusing new requests; {Pending} accepted requests get up to {Seconds} s to finish")]
    private partial void LogStopping(int pending, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model worker stopped")]
    private partial void LogStopped();
}
