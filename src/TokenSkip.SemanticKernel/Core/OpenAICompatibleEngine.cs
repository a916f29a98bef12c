using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TokenSkip.Core.Calibration;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Text;
using TokenSkip.Core.Prompts;

namespace TokenSkip.SemanticKernel;

/// <summary>
/// An <see cref="IGenerationEngine"/> over a remote OpenAI-compatible server's text completions endpoint
/// (<c>POST {endpoint}/completions</c>, streamed as server-sent events): vLLM, llama.cpp's server, or this project's
/// server. The prompt is sent already rendered, so γ reaches the model exactly as TokenSkip trained it.
/// </summary>
/// <remarks>
/// <para>
/// On first use it reads <c>GET {endpoint}/models</c>: the served context length (<c>max_model_len</c>, as vLLM and
/// <c>tokenskip serve</c> report it) and, from <c>tokenskip serve</c>, the model's card, so the turn policy renders the
/// same prompt at the same default γ as the server itself would. A server that does not answer leaves the values given
/// to the constructor (32,768 tokens, no card).
/// </para>
/// <para>
/// Sends <c>max_tokens</c> only when the caller (or a budget) set a limit, so the server's own default and context apply
/// otherwise; <c>temperature</c>, <c>top_p</c>, <c>seed</c>, <c>stop</c>, and, only when they differ from their neutral
/// values, the <c>top_k</c>, <c>repetition_penalty</c> and <c>stop_token_ids</c> extensions vLLM and llama.cpp understand.
/// To <c>tokenskip serve</c> the prompt goes with its message-content marks (<see cref="MessageContent"/>), so typed
/// special-token text stays text there too; other servers get plain text. Usage comes from the stream's <c>usage</c> object
/// (requested with <c>stream_options.include_usage</c>); a server that sends none is charged one token per streamed chunk and
/// 0 prompt tokens. <see cref="CountTokens"/> has no tokenizer here and estimates one token per four characters.
/// </para>
/// </remarks>
public sealed class OpenAICompatibleEngine : IGenerationEngine, IDisposable
{
    private const int DefaultContextLength = 32768;
    private static readonly TimeSpan DiscoveryTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly string? _apiKey;
    private readonly ModelFamily _family;
    private readonly int? _contextLength;
    private readonly SemaphoreSlim _discoveryGate = new(1, 1);
    private volatile Discovery? _discovered;

    /// <summary>Creates an engine for <paramref name="modelId"/> served at <paramref name="endpoint"/> (the API root, e.g. <c>http://host:8000/v1</c>).</summary>
    /// <param name="endpoint">The API root; <c>completions</c> and <c>models</c> are appended to it.</param>
    /// <param name="modelId">The served model name.</param>
    /// <param name="family">The model's prompt family (chat template and TokenSkip format).</param>
    /// <param name="httpClient">The HTTP client to use (not disposed here); null creates one, disposed with this engine.</param>
    /// <param name="apiKey">Sent as a bearer token when given.</param>
    /// <param name="contextLength">The model's context length; null reads it from the server (<c>max_model_len</c>).</param>
    public OpenAICompatibleEngine(Uri endpoint, string modelId, ModelFamily family, HttpClient? httpClient = null,
        string? apiKey = null, int? contextLength = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        if (contextLength is < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(contextLength), contextLength, "the context length must be at least 2 tokens");
        }

        Endpoint = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
        ModelId = modelId;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        _apiKey = apiKey;
        _family = family;
        _contextLength = contextLength;
    }

    /// <summary>The API root requests go to.</summary>
    public Uri Endpoint { get; }

    /// <summary>The served model name.</summary>
    public string ModelId { get; }

    /// <inheritdoc />
    /// <remarks>The first read asks the server's <c>/models</c> (once, within 10 seconds).</remarks>
    public EngineInfo Info =>
        (_discovered ?? Task.Run(() => DiscoveredAsync(CancellationToken.None)).GetAwaiter().GetResult()).Info; // read per token: no wait once known

    /// <inheritdoc />
    public int CountTokens(string text) => (text.Length + 3) / 4;

    /// <summary>Disposes the HTTP client if this engine created it.</summary>
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }

        _discoveryGate.Dispose();
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        request.Validate();
        var toTokenSkip = (_discovered ?? await DiscoveredAsync(cancellationToken).ConfigureAwait(false)).IsTokenSkipServer;
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(Endpoint, "completions"))
        {
            Content = new StringContent(Body(request, toTokenSkip).ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (!string.IsNullOrEmpty(_apiKey))
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        }

        using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var detail = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException($"{message.RequestUri} answered {(int)response.StatusCode} {response.ReasonPhrase}: {detail}", null, response.StatusCode);
        }

        using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var chunks = 0;
        FinishReason? finish = null;
        GenerationUsage? usage = null;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!line.StartsWith("data:", StringComparison.Ordinal))
            {
                continue;
            }

            var data = line[5..].Trim();
            if (data == "[DONE]")
            {
                break;
            }

            var chunk = JsonNode.Parse(data) ?? throw new InvalidDataException($"{message.RequestUri} streamed an empty event");
            if (chunk["error"] is { } error)
            {
                throw new HttpRequestException($"{message.RequestUri} streamed an error: {error.ToJsonString()}");
            }

            usage = ReadUsage(chunk["usage"]) ?? usage;
            if (chunk["choices"] is JsonArray { Count: > 0 } choices && choices[0] is { } choice)
            {
                var text = choice["text"]?.GetValue<string>() ?? string.Empty;
                chunks++;
                if (text.Length > 0)
                {
                    yield return new GenerationUpdate(0, null, text);
                }

                if (choice["finish_reason"]?.GetValue<string>() is { } reason)
                {
                    finish = reason == "length" ? FinishReason.Length : FinishReason.Stop;
                }
            }
        }

        yield return new GenerationUpdate(0, null, string.Empty, finish ?? FinishReason.Stop, usage ?? new GenerationUsage(0, chunks));
    }

    private JsonObject Body(GenerationRequest request, bool keepMarks)
    {
        var options = request.Options;
        var body = new JsonObject
        {
            ["model"] = ModelId,
            ["prompt"] = request.PromptText is { } text
                ? JsonValue.Create(keepMarks ? text : MessageContent.Unmark(text))
                : new JsonArray(request.PromptIds!.Select(id => (JsonNode)id).ToArray()),
            ["temperature"] = options.Temperature,
            ["top_p"] = options.TopP,
            ["stream"] = true,
            ["stream_options"] = new JsonObject { ["include_usage"] = true },
        };
        if (request.MaxNewTokensRequested)
        {
            body["max_tokens"] = options.MaxNewTokens;
        }

        if (options.Seed is { } seed)
        {
            body["seed"] = seed;
        }

        if (options.StopStrings.Count > 0)
        {
            body["stop"] = new JsonArray(options.StopStrings.Select(s => (JsonNode)s).ToArray());
        }

        if (options.TopK > 0)
        {
            body["top_k"] = options.TopK;
        }

        if (options.RepetitionPenalty != 1.0)
        {
            body["repetition_penalty"] = options.RepetitionPenalty;
        }

        if (options.StopTokenIds.Count > 0)
        {
            body["stop_token_ids"] = new JsonArray(options.StopTokenIds.Select(id => (JsonNode)id).ToArray());
        }

        return body;
    }

    // What the server said is kept; a server that could not be reached is asked again next time.
    private async Task<Discovery> DiscoveredAsync(CancellationToken cancellationToken)
    {
        await _discoveryGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_discovered is { } known)
            {
                return known;
            }

            var (info, isTokenSkip, answered) = await DiscoverAsync(cancellationToken).ConfigureAwait(false);
            var discovery = new Discovery(info, isTokenSkip);
            if (answered)
            {
                _discovered = discovery;
            }

            return discovery;
        }
        finally
        {
            _discoveryGate.Release();
        }
    }

    private async Task<(EngineInfo Info, bool IsTokenSkipServer, bool Answered)> DiscoverAsync(CancellationToken cancellationToken)
    {
        var fallback = new EngineInfo(ModelId, _family, _contextLength ?? DefaultContextLength);
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(Endpoint, "models"));
            if (!string.IsNullOrEmpty(_apiKey))
            {
                message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(DiscoveryTimeout);
            using var response = await _http.SendAsync(message, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return (fallback, false, true);
            }

            var entry = (JsonNode.Parse(await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false))?["data"] as JsonArray)?
                .FirstOrDefault(m => m?["id"]?.GetValue<string>() == ModelId);
            if (entry is null)
            {
                return (fallback, false, true);
            }

            var served = entry["max_model_len"] is JsonValue length && length.TryGetValue<int>(out var tokens) && tokens > 1 ? tokens : (int?)null;
            var card = entry["tokenskip"] is JsonObject json ? json.Deserialize<ModelCard>() : null;
            return (fallback with { ContextLength = _contextLength ?? served ?? DefaultContextLength, Card = card },
                entry["owned_by"]?.GetValue<string>() == "tokenskip", true);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (fallback, false, false); // not reachable (yet): keep the given values for now
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return (fallback, false, true); // an answer we cannot read: keep the given values
        }
    }

    private static GenerationUsage? ReadUsage(JsonNode? usage) =>
        usage is JsonObject { } u && u["completion_tokens"] is { } completion
            ? new GenerationUsage(u["prompt_tokens"]?.GetValue<int>() ?? 0, completion.GetValue<int>())
            : null;

    /// <summary>What <c>/models</c> said: the model's info, and whether the server is <c>tokenskip serve</c>.</summary>
    private sealed record Discovery(EngineInfo Info, bool IsTokenSkipServer);
}
