using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TokenSkip.Hosting.Metrics;
using TokenSkip.Hosting.Worker;
using Xunit;

namespace TokenSkip.Hosting.Tests;

/// <summary>A started <see cref="ModelWorker"/> outside any web host, with its own meter factory.</summary>
internal sealed class WorkerHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private WorkerHarness(ModelWorker worker, ServiceProvider services, IMeterFactory meters)
    {
        Worker = worker;
        _services = services;
        Meters = meters;
    }

    public ModelWorker Worker { get; }

    /// <summary>The factory the worker's meter came from (to tell its instruments from other tests').</summary>
    public IMeterFactory Meters { get; }

    public static async Task<WorkerHarness> StartAsync(string folder, Action<TokenSkipServerOptions>? configure = null,
        Func<IModelLoader, IModelLoader>? wrapLoader = null, bool waitForModel = true, ILogger<ModelWorker>? logger = null)
    {
        var options = new TokenSkipServerOptions { Model = folder, MaxBatchSize = 4, ContextTokens = 512, Threads = 1 };
        configure?.Invoke(options);
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        IModelLoader loader = new FolderModelLoader(Options.Create(options));
        var worker = new ModelWorker(wrapLoader?.Invoke(loader) ?? loader, Options.Create(options), new ServerMetrics(meters),
            TimeProvider.System, logger ?? NullLogger<ModelWorker>.Instance);
        await worker.StartAsync(CancellationToken.None);
        if (waitForModel)
        {
            Assert.True(await worker.Loaded.WaitAsync(TimeSpan.FromSeconds(60)), $"the model did not load: {worker.LoadError}");
        }

        return new WorkerHarness(worker, services, meters);
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
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await Worker.StopAsync(patience.Token);
        }

        Worker.Dispose();
        await _services.DisposeAsync();
    }
}
