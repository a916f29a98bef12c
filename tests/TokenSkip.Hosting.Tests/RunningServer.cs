using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TokenSkip.Hosting.Worker;
using Xunit;

namespace TokenSkip.Hosting.Tests;

/// <summary>The real server (Kestrel) on 127.0.0.1 and a free port, with an HTTP client pointed at it.</summary>
internal sealed class RunningServer : IAsyncDisposable
{
    private RunningServer(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
        Worker = app.Services.GetRequiredService<ModelWorker>();
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(120) };
    }

    public WebApplication App { get; }

    /// <summary>The server's root, e.g. http://127.0.0.1:43123/.</summary>
    public Uri Address { get; }

    /// <summary>The API root OpenAI clients take: {Address}v1.</summary>
    public Uri ApiRoot => new(Address, "v1");

    public ModelWorker Worker { get; }

    public HttpClient Client { get; }

    public static async Task<RunningServer> StartAsync(string modelFolder, Action<TokenSkipServerOptions>? configure = null,
        Action<IServiceCollection>? services = null, bool waitForModel = true)
    {
        var builder = TokenSkipServer.CreateBuilder([], options =>
        {
            options.Model = modelFolder;
            options.Port = 0;
            options.MaxBatchSize = 4;
            options.ContextTokens = 512;
            options.Threads = 1;
            configure?.Invoke(options);
        });
        if (Environment.GetEnvironmentVariable("TOKENSKIP_TEST_SERVER_LOGS") is null)
        {
            builder.Logging.ClearProviders();
        }
        services?.Invoke(builder.Services);
        var app = TokenSkipServer.Build(builder);
        await app.StartAsync();
        var server = new RunningServer(app, new Uri(app.Urls.Single().TrimEnd('/') + "/"));
        if (waitForModel)
        {
            Assert.True(await server.Worker.Loaded.WaitAsync(TimeSpan.FromSeconds(60)), $"the model did not load: {server.Worker.LoadError}");
        }

        return server;
    }

    public Task<HttpResponseMessage> PostAsync(string path, string json, CancellationToken cancellationToken = default) =>
        Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), cancellationToken);

    public Task<HttpResponseMessage> PostAsync(string path, JsonObject body, CancellationToken cancellationToken = default) =>
        PostAsync(path, body.ToJsonString(), cancellationToken);

    /// <summary>Sends a streaming request and returns once the response headers are in.</summary>
    public Task<HttpResponseMessage> PostStreamingAsync(string path, JsonObject body, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    /// <summary>Waits (boundedly) until the worker holds no slot and queues nothing: the slot-leak check.</summary>
    public async Task AssertIdleAsync()
    {
        for (var i = 0; i < 600 && (Worker.ActiveSequences > 0 || Worker.QueuedRequests > 0); i++)
        {
            await Task.Delay(50);
        }

        Assert.Equal(0, Worker.ActiveSequences);
        Assert.Equal(0, Worker.QueuedRequests);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await App.StopAsync(patience.Token);
        }

        await App.DisposeAsync();
    }
}
