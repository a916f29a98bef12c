using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Polly;
using Polly.Retry;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Text;

namespace TokenSkip.Core.Remote;

/// <summary>
/// An <see cref="IGenerationEngine"/> over one or more replicas of an OpenAI-compatible server's text completions endpoint
/// (<c>POST {endpoint}/completions</c>, streamed as server-sent events): vLLM, llama.cpp's server, or <c>tokenskip
/// serve</c>. The prompt is sent already rendered, so γ reaches the model exactly as TokenSkip trained it. It also scores
/// prompts (<see cref="IPromptLogprobSource"/>: <c>echo</c>, <c>logprobs</c>, <c>max_tokens: 0</c>).
/// </summary>
/// <remarks>
/// <para>
/// Each request goes to the replica with the fewest outstanding requests (<see cref="ReplicaPool"/>), at most
/// <see cref="OpenAICompatibleEngineOptions.Concurrency"/> at once. Refused or dropped connections, timeouts, 408, 429 and
/// 5xx answers and streams cut short are retried (Polly: exponential backoff with jitter) on the least busy replica; a
/// replica's <c>Retry-After</c> keeps requests away from it until then; a replica that keeps failing is taken out and
/// probed back in with <c>GET /models</c>. Other answers (400, 401, 404) fail at once, naming the endpoint. A failure after
/// a streamed reply's first token fails over only in <see cref="StreamFailover.WholeReply"/> mode (see
/// <see cref="OpenAICompatibleEngineOptions.Failover"/>).
/// </para>
/// <para>
/// On first use it reads <c>GET /models</c>: the served context length (<c>max_model_len</c>) and, from <c>tokenskip
/// serve</c>, the family and the model's card, so the turn policy renders the same prompt at the same default γ as the
/// server itself would. A server that does not answer leaves the given values (32,768 tokens, no card).
/// </para>
/// <para>
/// Sends <c>max_tokens</c> only when the caller (or a budget) set a limit; <c>temperature</c>, <c>top_p</c>, <c>seed</c>,
/// <c>stop</c>, and, only when they differ from their neutral values, <c>top_k</c>, <c>repetition_penalty</c> and
/// <c>stop_token_ids</c>. To <c>tokenskip serve</c> the prompt goes with its message-content marks
/// (<see cref="MessageContent"/>); other servers get plain text. Usage comes from the stream's <c>usage</c> object; a
/// server that sends none is charged one token per streamed chunk and 0 prompt tokens.
/// </para>
/// </remarks>
public sealed class OpenAICompatibleEngine : IGenerationEngine, IPromptLogprobSource, IDisposable
{
    private static readonly HashSet<HttpStatusCode> RetriedStatuses = [HttpStatusCode.RequestTimeout, HttpStatusCode.TooManyRequests];

    private readonly OpenAICompatibleEngineOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ReplicaPool _pool;
    private readonly ResiliencePipeline _retries;
    private readonly SemaphoreSlim _inFlight;
    private readonly SemaphoreSlim _discoveryGate = new(1, 1);
    private volatile ServedModel? _discovered;

    /// <summary>Creates an engine over the replicas of <paramref name="options"/>.</summary>
    /// <param name="options">Endpoints, model, concurrency, timeouts and retry settings.</param>
    /// <param name="httpClient">The HTTP client to use (not disposed here); null creates one, disposed with this engine.</param>
    /// <param name="time">The clock of retries, probes and waits (the system clock by default).</param>
    public OpenAICompatibleEngine(OpenAICompatibleEngineOptions options, HttpClient? httpClient = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Validate() with { Endpoints = options.Endpoints.Select(Root).ToArray() };
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient(new SocketsHttpHandler { ConnectTimeout = _options.ConnectTimeout })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        time ??= TimeProvider.System;
        _pool = new ReplicaPool(_options, ProbeAsync, time);
        _inFlight = new SemaphoreSlim(_options.Concurrency, _options.Concurrency);
        var retries = new ResiliencePipelineBuilder { TimeProvider = time };
        if (_options.MaxRetries > 0)
        {
            retries.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<ReplicaFailureException>(),
                MaxRetryAttempts = _options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryDelay,
                MaxDelay = _options.MaxRetryDelay,
            });
        }

        _retries = retries.Build();
    }

    /// <summary>Creates an engine for <paramref name="modelId"/> served at one <paramref name="endpoint"/> (the API root, e.g. <c>http://host:8000/v1</c>).</summary>
    /// <param name="endpoint">The API root; <c>completions</c> and <c>models</c> are appended to it.</param>
    /// <param name="modelId">The served model name.</param>
    /// <param name="family">The model's prompt family (chat template and TokenSkip format).</param>
    /// <param name="httpClient">The HTTP client to use (not disposed here); null creates one, disposed with this engine.</param>
    /// <param name="apiKey">Sent as a bearer token when given.</param>
    /// <param name="contextLength">The model's context length; null reads it from the server (<c>max_model_len</c>).</param>
    public OpenAICompatibleEngine(Uri endpoint, string modelId, ModelFamily family, HttpClient? httpClient = null,
        string? apiKey = null, int? contextLength = null)
        : this(new OpenAICompatibleEngineOptions
        {
            Endpoints = [endpoint ?? throw new ArgumentNullException(nameof(endpoint))],
            ServedModel = string.IsNullOrWhiteSpace(modelId) ? throw new ArgumentException("the served model name is empty", nameof(modelId)) : modelId,
            Family = family,
            ApiKey = apiKey,
            ContextLength = contextLength,
        }, httpClient)
    {
    }

    /// <summary>The first replica's API root.</summary>
    public Uri Endpoint => _options.Endpoints[0];

    /// <summary>Every replica's API root, in the order given.</summary>
    public IReadOnlyList<Uri> Endpoints => _options.Endpoints;

    /// <summary>The served model name given in the options; null when it is read from the servers (see <see cref="Info"/>).</summary>
    public string? ModelId => _options.ServedModel;

    /// <summary>The settings in force (endpoints with a trailing slash).</summary>
    public OpenAICompatibleEngineOptions Options => _options;

    /// <inheritdoc />
    /// <remarks>The first read asks the servers' <c>/models</c> (once, within 10 seconds per replica).</remarks>
    public EngineInfo Info =>
        (_discovered ?? Task.Run(() => DiscoveredAsync(CancellationToken.None)).GetAwaiter().GetResult()).Info; // read per token: no wait once known

    /// <inheritdoc />
    /// <remarks>With <see cref="OpenAICompatibleEngineOptions.Tokenizer"/>, exact; without, one token per four characters.</remarks>
    public int CountTokens(string text) => _options.Tokenizer is { } tokenizer ? tokenizer.Encode(text).Count : (text.Length + 3) / 4;

    /// <summary>Stops the probes and disposes the HTTP client if this engine created it.</summary>
    public void Dispose()
    {
        _pool.Dispose();
        if (_ownsHttp)
        {
            _http.Dispose();
        }

        _discoveryGate.Dispose();
        _inFlight.Dispose();
    }

    /// <inheritdoc />
    /// <exception cref="HttpRequestException">A replica refused the request (4xx other than 408/429), the retries ran out, or a stream broke after its first token in <see cref="StreamFailover.BeforeFirstToken"/> mode.</exception>
    /// <exception cref="EndpointsUnavailableException">Every replica stayed out longer than <see cref="OpenAICompatibleEngineOptions.UnavailableTimeout"/>.</exception>
    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var served = _discovered ?? await DiscoveredAsync(cancellationToken).ConfigureAwait(false);
        var body = CompletionRequestBody.Generation(request, served.Name, served.IsTokenSkipServer).ToJsonString();

        // The attempts run on their own task and hand updates over a channel: a retry cannot live in an iterator.
        var updates = Channel.CreateUnbounded<GenerationUpdate>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = ProduceAsync(body, updates.Writer, stop.Token);
        try
        {
            await foreach (var update in updates.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }

            await producer.ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                .ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <remarks>Balanced and retried like generation; the answer is not streamed.</remarks>
    public async Task<PromptLogprobs> GetPromptLogprobsAsync(string prompt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var served = _discovered ?? await DiscoveredAsync(cancellationToken).ConfigureAwait(false);
        var body = CompletionRequestBody.PromptLogprobs(prompt, served.Name).ToJsonString();
        return await SendAsync(body, streamed: false, async (response, uri, _, token) =>
            PromptLogprobsReader.Read(await response.Content.ReadAsStringAsync(token).ConfigureAwait(false), uri), new Attempts(), cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task ProduceAsync(string body, ChannelWriter<GenerationUpdate> writer, CancellationToken cancellationToken)
    {
        try
        {
            var attempts = new Attempts();
            await SendAsync(body, streamed: true, async (response, uri, attempt, token) =>
            {
                await ReadStreamAsync(response, uri, attempt, writer, attempts, token).ConfigureAwait(false);
                return true;
            }, attempts, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            writer.TryComplete(); // a failure reaches the reader when it awaits this task
        }
    }

    // One request: a slot of the engine's concurrency, then attempts on replicas until one succeeds or the retries run out.
    private async Task<T> SendAsync<T>(string body, bool streamed, Func<HttpResponseMessage, Uri, CancellationTokenSource, CancellationToken, Task<T>> read,
        Attempts attempts, CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _retries.ExecuteAsync(async token => await AttemptAsync(body, streamed, read, attempts, token).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
        }
        catch (ReplicaFailureException e)
        {
            throw new HttpRequestException($"gave up after {attempts.Count} attempts: {e.Message}", e, e.StatusCode);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private async Task<T> AttemptAsync<T>(string body, bool streamed, Func<HttpResponseMessage, Uri, CancellationTokenSource, CancellationToken, Task<T>> read,
        Attempts attempts, CancellationToken cancellationToken)
    {
        using var lease = await _pool.AcquireAsync(attempts.LastReplica, cancellationToken).ConfigureAwait(false);
        attempts.LastReplica = lease.Replica;
        attempts.Count++;
        var uri = new Uri(lease.Replica.Endpoint, "completions");
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(_options.ResponseTimeout);
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            ServedModelDiscovery.Authorize(message, _options.ApiKey);
            using var response = await _http.SendAsync(message,
                streamed ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead, attempt.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var detail = await ReadDetailAsync(response, attempt.Token).ConfigureAwait(false);
                var error = $"{uri} answered {(int)response.StatusCode} {response.ReasonPhrase}: {detail}";
                throw IsRetried(response.StatusCode)
                    ? new ReplicaFailureException(error, status: response.StatusCode, retryAfter: RetryAfter(response))
                    : new HttpRequestException(error, null, response.StatusCode);
            }

            var result = await read(response, uri, attempt, cancellationToken).ConfigureAwait(false);
            _pool.ReportSuccess(lease.Replica);
            return result;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && AsFailure(e, uri) is { } failure)
        {
            _pool.ReportFailure(lease.Replica, failure);
            if (attempts.TokensHandedOn > 0)
            {
                throw new HttpRequestException(
                    $"{failure.Message} after {attempts.TokensHandedOn} streamed chunks were handed on; not retried, so that no text is repeated", failure);
            }

            throw failure;
        }
    }

    // Streams one reply: in WholeReply mode held back until complete, else handed on chunk by chunk.
    private async Task ReadStreamAsync(HttpResponseMessage response, Uri uri, CancellationTokenSource attempt, ChannelWriter<GenerationUpdate> writer,
        Attempts attempts, CancellationToken cancellationToken)
    {
        var held = _options.Failover == StreamFailover.WholeReply ? new List<GenerationUpdate>() : null;
        using var stream = await response.Content.ReadAsStreamAsync(attempt.Token).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var (chunks, done) = (0, false);
        FinishReason? finish = null;
        GenerationUsage? usage = null;
        while (true)
        {
            attempt.CancelAfter(_options.IdleTimeout);
            if (await reader.ReadLineAsync(attempt.Token).ConfigureAwait(false) is not { } line)
            {
                break;
            }

            if (!line.StartsWith("data:", StringComparison.Ordinal))
            {
                continue;
            }

            var data = line[5..].Trim();
            if (data == "[DONE]")
            {
                done = true;
                break;
            }

            var chunk = ParseEvent(data, uri);
            if (chunk["error"] is { } error)
            {
                throw new ReplicaFailureException($"{uri} streamed an error: {error.ToJsonString()}");
            }

            usage = ReadUsage(chunk["usage"]) ?? usage;
            if (chunk["choices"] is JsonArray { Count: > 0 } choices && choices[0] is { } choice)
            {
                var text = choice["text"]?.GetValue<string>() ?? string.Empty;
                chunks++;
                if (text.Length > 0)
                {
                    var update = new GenerationUpdate(0, null, text);
                    if (held is null)
                    {
                        await writer.WriteAsync(update, cancellationToken).ConfigureAwait(false);
                        attempts.TokensHandedOn++;
                    }
                    else
                    {
                        held.Add(update);
                    }
                }

                if (choice["finish_reason"]?.GetValue<string>() is { } reason)
                {
                    finish = reason == "length" ? FinishReason.Length : FinishReason.Stop;
                }
            }
        }

        // A replica that dies mid-reply just closes the connection: without [DONE] (or a finish and its usage) the reply is cut.
        if (!done && (finish is null || usage is null))
        {
            throw new ReplicaFailureException($"{uri} ended the stream before the reply was complete");
        }

        foreach (var update in held ?? [])
        {
            await writer.WriteAsync(update, cancellationToken).ConfigureAwait(false);
        }

        await writer.WriteAsync(new GenerationUpdate(0, null, string.Empty, finish ?? FinishReason.Stop, usage ?? new GenerationUsage(0, chunks)),
            cancellationToken).ConfigureAwait(false);
    }

    private static JsonNode ParseEvent(string data, Uri uri)
    {
        try
        {
            return JsonNode.Parse(data) ?? throw new ReplicaFailureException($"{uri} streamed an empty event");
        }
        catch (JsonException e)
        {
            throw new ReplicaFailureException($"{uri} streamed an unreadable event (cut short?): {e.Message}", e); // a replica killed mid-line
        }
    }

    // What is worth another replica: transport failures and our own timeouts; everything else propagates as it is.
    private ReplicaFailureException? AsFailure(Exception e, Uri uri) => e switch
    {
        ReplicaFailureException failure => failure,
        HttpRequestException { StatusCode: null } http => new ReplicaFailureException($"{uri} failed: {http.Message}", http, refused: IsRefused(http)),
        IOException io => new ReplicaFailureException($"{uri} failed: {io.Message}", io),
        OperationCanceledException cancelled => new ReplicaFailureException(
            $"{uri} timed out (no answer within {_options.ResponseTimeout.TotalSeconds:0.###} s, or {_options.IdleTimeout.TotalSeconds:0.###} s of silence in a stream)",
            cancelled),
        _ => null,
    };

    private static bool IsRefused(HttpRequestException e) =>
        e.HttpRequestError == HttpRequestError.ConnectionError && e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };

    private static bool IsRetried(HttpStatusCode status) => (int)status >= 500 || RetriedStatuses.Contains(status);

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow,
        _ => null,
    };

    private static async Task<string> ReadDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return "(no body)";
        }
    }

    private static GenerationUsage? ReadUsage(JsonNode? usage) =>
        usage is JsonObject { } u && u["completion_tokens"] is { } completion
            ? new GenerationUsage(u["prompt_tokens"]?.GetValue<int>() ?? 0, completion.GetValue<int>())
            : null;

    private async Task ProbeAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint, "models"));
        ServedModelDiscovery.Authorize(message, _options.ApiKey);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        using var response = await _http.SendAsync(message, timeout.Token).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    // What the servers said is kept; servers that could not be reached are asked again next time.
    private async Task<ServedModel> DiscoveredAsync(CancellationToken cancellationToken)
    {
        await _discoveryGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_discovered is { } known)
            {
                return known;
            }

            var (model, answered) = await ServedModelDiscovery.DiscoverAsync(_http, _options, cancellationToken).ConfigureAwait(false);
            if (answered)
            {
                _discovered = model;
            }

            return model;
        }
        finally
        {
            _discoveryGate.Release();
        }
    }

    private static Uri Root(Uri endpoint) => endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");

    /// <summary>One request's attempts: how many, the replica of the last one, and how many chunks were already handed on.</summary>
    private sealed class Attempts
    {
        public int Count { get; set; }

        public Replica? LastReplica { get; set; }

        public int TokensHandedOn { get; set; }
    }
}
