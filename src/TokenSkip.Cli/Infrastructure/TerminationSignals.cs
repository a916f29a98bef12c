using System.Runtime.InteropServices;

namespace TokenSkip.Cli.Infrastructure;

/// <summary>
/// Turns SIGINT (Ctrl+C) and SIGTERM into cancellation of the running command and keeps the process alive until the
/// command has returned. System.CommandLine's own handler ends the process two seconds after the signal whatever the
/// command is doing; with libtorch running a step on another thread that exit dies in native code (SIGSEGV), so the CLI
/// uses this instead. A second signal while the command is still winding down ends the process at once.
/// </summary>
internal sealed class TerminationSignals : IDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _received;

    public TerminationSignals(CancellationToken outer)
    {
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(outer);
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            try
            {
                _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
            }
            catch (PlatformNotSupportedException)
            {
                // Not every platform reports every signal; Ctrl+C still reaches the process as usual.
            }
        }
    }

    /// <summary>Cancelled at the first signal (or when the caller's token is).</summary>
    public CancellationToken Token => _cancellation.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancellation.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _received) > 1)
        {
            return; // the default action: the user insists
        }

        context.Cancel = true;
        _cancellation.Cancel();
    }
}
