using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
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
/// Sends <c>max_tokens</c>, <c>temperature</c>, <c>top_p</c>, <c>seed</c>, <c>stop</c>, and, only when they differ from
/// their neutral values, the <c>top_k</c>, <c>repetition_penalty</c> and <c>stop_token_ids</c> extensions vLLM and
/// llama.cpp understand. Usage comes from the stream's <c>usage</c> object (requested with
/// <c>stream_options.include_usage</c>); a server that sends none is charged one token per streamed chunk and 0 prompt
/// tokens. <see cref="CountTokens"/> has no tokenizer here and estimates one token per four characters.
/// </remarks>
public sealed class OpenAICompatibleEngine : IGenerationEngine
{
    private readonly HttpClient _http;
    private readonly string? _apiKey;

    /// <summary>Creates an engine for <paramref name="modelId"/> served at <paramref name="endpoint"/> (the API root, e.g. <c>http://host:8000/v1</c>).</summary>
    /// <param name="endpoint">The API root; <c>completions</c> is appended to it.</param>
    /// <param name="modelId">The served model name.</param>
    /// <param name="family">The model's prompt family (chat template and TokenSkip format).</param>
    /// <param name="httpClient">The HTTP client to use; null creates one.</param>
    /// <param name="apiKey">Sent as a bearer token when given.</param>
    /// <param name="contextLength">The model's context length, reported in <see cref="Info"/>.</param>
    public OpenAICompatibleEngine(Uri endpoint, string modelId, ModelFamily family, HttpClient? httpClient = null,
        string? apiKey = null, int contextLength = 32768)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        Endpoint = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
        _http = httpClient ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        _apiKey = apiKey;
        Info = new EngineInfo(modelId, family, contextLength);
    }

    /// <summary>The API root requests go to.</summary>
    public Uri Endpoint { get; }

    /// <inheritdoc />
    public EngineInfo Info { get; }

    /// <inheritdoc />
    public int CountTokens(string text) => (text.Length + 3) / 4;

    /// <inheritdoc />
    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        request.Validate();
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(Endpoint, "completions"))
        {
            Content = new StringContent(Body(request).ToJsonString(), Encoding.UTF8, "application/json"),
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

    private JsonObject Body(GenerationRequest request)
    {
        var options = request.Options;
        var body = new JsonObject
        {
            ["model"] = Info.ModelId,
            ["prompt"] = request.PromptText is { } text ? JsonValue.Create(MessageContent.Unmark(text)) : new JsonArray(request.PromptIds!.Select(id => (JsonNode)id).ToArray()),
            ["max_tokens"] = options.MaxNewTokens,
            ["temperature"] = options.Temperature,
            ["top_p"] = options.TopP,
            ["stream"] = true,
            ["stream_options"] = new JsonObject { ["include_usage"] = true },
        };
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

    private static GenerationUsage? ReadUsage(JsonNode? usage) =>
        usage is JsonObject { } u && u["completion_tokens"] is { } completion
            ? new GenerationUsage(u["prompt_tokens"]?.GetValue<int>() ?? 0, completion.GetValue<int>())
            : null;
}
