using System.Collections.Concurrent;
using Xunit;

namespace TokenSkip.TestSupport;

/// <summary>
/// Holds the model thread before each step until the test lets it through, so tests decide exactly when steps happen
/// (what is queued, what is running) instead of racing the model thread.
/// </summary>
public sealed class StepGate
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly SemaphoreSlim _permits = new(0);
    private readonly SemaphoreSlim _entered = new(0);
    private volatile bool _open;

    /// <summary>The active sequence count seen before every step.</summary>
    public ConcurrentQueue<int> ActiveCounts { get; } = new();

    /// <summary>Installed as an engine's or worker's step hook; runs on the model thread.</summary>
    public void Pass(int active)
    {
        ActiveCounts.Enqueue(active);
        if (_open)
        {
            return;
        }

        _entered.Release();
        _permits.Wait(Patience); // bounded, so a failing test cannot hang the model thread forever
    }

    /// <summary>Waits until the model thread is held before the next step.</summary>
    public async Task HeldAsync() => Assert.True(await _entered.WaitAsync(Patience), "the model thread never reached the next step");

    /// <summary>Lets one step run and waits until the model thread is held before the following one.</summary>
    public async Task StepAsync()
    {
        _permits.Release();
        await HeldAsync();
    }

    /// <summary>Lets one more step run, without waiting for anything.</summary>
    public void Release() => _permits.Release();

    /// <summary>Lets the model thread run freely from now on.</summary>
    public void Open()
    {
        _open = true;
        _permits.Release(1000);
    }
}
