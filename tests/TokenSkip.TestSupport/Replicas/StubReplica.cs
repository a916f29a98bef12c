using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TokenSkip.TestSupport.Replicas;

/// <summary>
/// A stand-in for one GPU replica of an OpenAI-compatible server on 127.0.0.1: <c>GET /v1/models</c> and
/// <c>POST /v1/completions</c> (streamed or not), answering each request with <see cref="ReplyFor"/> of its prompt, one
/// token every 1/<see cref="StubReplicaOptions.TokensPerSecond"/> seconds, at most
/// <see cref="StubReplicaOptions.MaxSequences"/> at once. <see cref="KillAsync"/> drops every connection and stops
/// listening, as a crashed server does.
/// </summary>
public sealed class StubReplica : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly StubReplicaOptions _options;
    private readonly SemaphoreSlim _sequences;
    private readonly ConcurrentDictionary<HttpContext, byte> _open = new();
    private int _requests;
    private int _completed;
    private volatile bool _killed;

    private StubReplica(WebApplication app, StubReplicaOptions options)
    {
        _app = app;
        _options = options;
        _sequences = new SemaphoreSlim(options.MaxSequences, options.MaxSequences);
    }

    /// <summary>The API root, e.g. <c>http://127.0.0.1:41234/v1/</c>.</summary>
    public Uri ApiRoot { get; private set; } = null!;

    /// <summary><c>/completions</c> requests received (refused ones included).</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Replies sent in full.</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>When each <c>/completions</c> request arrived, in order.</summary>
    public ConcurrentQueue<DateTimeOffset> Arrivals { get; } = new();

    /// <summary>The reply to <paramref name="prompt"/>: <paramref name="tokens"/> tokens of the form <c> w{hash}.{i}</c>.</summary>
    public static IReadOnlyList<string> ReplyFor(string prompt, int tokens)
    {
        var hash = 17u;
        foreach (var c in prompt)
        {
            hash = (hash * 31) + c;
        }

        return Enumerable.Range(0, tokens).Select(i => string.Create(CultureInfo.InvariantCulture, $" w{hash % 100000}.{i}")).ToArray();
    }

    /// <summary>Starts a replica on a free port of 127.0.0.1 (or <paramref name="port"/>).</summary>
    public static async Task<StubReplica> StartAsync(StubReplicaOptions? options = null, int port = 0)
    {
        options ??= new StubReplicaOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxConcurrentConnections = null);
        var app = builder.Build();
        var replica = new StubReplica(app, options);
        app.MapGet("/v1/models", replica.ModelsAsync);
        app.MapPost("/v1/completions", replica.CompletionsAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        replica.ApiRoot = new Uri(address.TrimEnd('/') + "/v1/");
        return replica;
    }

    /// <summary>Drops every open connection and stops listening: later connections are refused.</summary>
    public async Task KillAsync()
    {
        _killed = true;
        foreach (var context in _open.Keys)
        {
            context.Abort();
        }

        using var now = new CancellationTokenSource();
        await now.CancelAsync().ConfigureAwait(false);
        await _app.StopAsync(now.Token).ConfigureAwait(false);
    }

    /// <summary>Stops the replica.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_killed)
        {
            await KillAsync().ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _sequences.Dispose();
    }

    private Task ModelsAsync(HttpContext http)
    {
        var list = new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(new JsonObject
            {
                ["id"] = _options.ModelName, ["object"] = "model", ["owned_by"] = "stub", ["max_model_len"] = 4096, ["family"] = _options.Family,
            }),
        };
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(list.ToJsonString(), http.RequestAborted);
    }

    private async Task CompletionsAsync(HttpContext http)
    {
        var number = Interlocked.Increment(ref _requests);
        Arrivals.Enqueue(DateTimeOffset.UtcNow);
        if (_options.Refuse?.Invoke(number) is { } refusal)
        {
            http.Response.StatusCode = (int)refusal.Status;
            if (refusal.RetryAfter is { } after)
            {
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            await http.Response.WriteAsync("{\"error\":{\"message\":\"busy\"}}", http.RequestAborted).ConfigureAwait(false);
            return;
        }

        var body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted).ConfigureAwait(false);
        var prompt = body?["prompt"]?.GetValue<string>() ?? string.Empty;
        var tokens = ReplyFor(prompt, body?["max_tokens"] is JsonValue max ? max.GetValue<int>() : _options.ReplyTokens);
        var stream = body?["stream"] is JsonValue s && s.GetValue<bool>();
        _open.TryAdd(http, 0);
        try
        {
            await _sequences.WaitAsync(http.RequestAborted).ConfigureAwait(false);
            try
            {
                await ReplyAsync(http, tokens, stream).ConfigureAwait(false);
                Interlocked.Increment(ref _completed);
            }
            finally
            {
                _sequences.Release();
            }
        }
        finally
        {
            _open.TryRemove(http, out _);
        }
    }

    // One token per interval, timed from the start so that delays do not add up.
    private async Task ReplyAsync(HttpContext http, IReadOnlyList<string> tokens, bool stream)
    {
        var interval = TimeSpan.FromSeconds(1 / _options.TokensPerSecond);
        var started = TimeProvider.System.GetTimestamp();
        if (stream)
        {
            http.Response.ContentType = "text/event-stream";
            await http.Response.StartAsync(http.RequestAborted).ConfigureAwait(false);
        }

        for (var i = 0; i < tokens.Count; i++)
        {
            var due = interval * (i + 1) - TimeProvider.System.GetElapsedTime(started);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, http.RequestAborted).ConfigureAwait(false);
            }

            if (stream)
            {
                var finish = i == tokens.Count - 1 ? "\"length\"" : "null";
                await Event(http, $"{{\"choices\":[{{\"index\":0,\"text\":{JsonSerializer.Serialize(tokens[i])},\"finish_reason\":{finish}}}]}}").ConfigureAwait(false);
            }
        }

        var usage = string.Create(CultureInfo.InvariantCulture, $"{{\"prompt_tokens\":10,\"completion_tokens\":{tokens.Count},\"total_tokens\":{10 + tokens.Count}}}");
        if (stream)
        {
            await Event(http, $"{{\"choices\":[],\"usage\":{usage}}}").ConfigureAwait(false);
            await Event(http, "[DONE]").ConfigureAwait(false);
            return;
        }

        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(
            $"{{\"object\":\"text_completion\",\"choices\":[{{\"index\":0,\"text\":{JsonSerializer.Serialize(string.Concat(tokens))},\"finish_reason\":\"length\"}}],\"usage\":{usage}}}",
            http.RequestAborted).ConfigureAwait(false);
    }

    private static async Task Event(HttpContext http, string data)
    {
        await http.Response.WriteAsync("data: " + data + "\n\n", Encoding.UTF8, http.RequestAborted).ConfigureAwait(false);
        await http.Response.Body.FlushAsync(http.RequestAborted).ConfigureAwait(false);
    }
}
