using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TokenSkip.Hosting;
using TokenSkip.Hosting.Worker;

namespace TokenSkip.LoadBench;

/// <summary>The server under test: started in this process on 127.0.0.1 and a free port, or an external one by URL.</summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly WebApplication? _app;

    private BenchServer(Uri address, WebApplication? app, string description)
    {
        Address = address;
        _app = app;
        Description = description;
    }

    public Uri Address { get; }

    public string Description { get; }

    public static BenchServer External(Uri address) => new(address, null, $"external server at {address}");

    public static async Task<BenchServer> StartAsync(string folder, int maxBatchSize, int? threads)
    {
        var builder = TokenSkipServer.CreateBuilder([], options =>
        {
            options.Model = folder;
            options.Port = 0;
            options.MaxBatchSize = maxBatchSize;
            options.MaxQueueLength = Math.Max(64, maxBatchSize * 4);
            options.ContextTokens = 1024;
            options.Threads = threads;
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = TokenSkipServer.Build(builder);
        await app.StartAsync();
        var worker = app.Services.GetRequiredService<ModelWorker>();
        if (!await worker.Loaded)
        {
            throw new InvalidOperationException($"{folder}: the model could not be loaded: {worker.LoadError?.Message}");
        }

        var description = $"in-process server, model {folder}, {maxBatchSize} slots, {(threads is { } n ? $"{n} torch threads" : "default torch threads")}";
        return new BenchServer(new Uri(app.Urls.Single().TrimEnd('/') + "/"), app, description);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
