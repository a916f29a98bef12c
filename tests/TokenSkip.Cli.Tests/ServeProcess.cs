using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace TokenSkip.Cli.Tests;

/// <summary>
/// <c>tokenskip serve</c> as a real child process (the CLI built beside the tests), so that signals, the process's exit
/// code and a native crash on exit are what a user would see.
/// </summary>
internal sealed partial class ServeProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _log;

    private ServeProcess(Process process, Uri address, List<string> log)
    {
        _process = process;
        Address = address;
        _log = log;
    }

    public Uri Address { get; }

    /// <summary>Everything the server printed (stdout and stderr), for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return string.Join("\n", _log);
            }
        }
    }

    public static async Task<ServeProcess> StartAsync(params string[] arguments)
    {
        var start = ServeStartInfo(arguments);
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var serving = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new List<string>();
        void Collect(string? line)
        {
            if (line is null)
            {
                serving.TrySetException(new InvalidOperationException("the server exited before serving:\n" + string.Join("\n", lines)));
                return;
            }

            lock (lines)
            {
                lines.Add(line);
            }

            if (line.StartsWith("Serving ", StringComparison.Ordinal) && ServingAddress().Match(line) is { Success: true } match)
            {
                serving.TrySetResult(new Uri(match.Value + "/"));
            }
        }

        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Collect(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var address = await serving.Task.WaitAsync(TimeSpan.FromSeconds(120));
            return new ServeProcess(process, address, lines);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs <c>tokenskip serve</c> with <paramref name="arguments"/> until it exits by itself (a start that fails) and
    /// returns its exit code and every line it printed on stdout and stderr (logs included). Killed after 120 s.
    /// </summary>
    public static async Task<(int ExitCode, IReadOnlyList<string> Lines)> RunToExitAsync(params string[] arguments)
    {
        var start = ServeStartInfo(arguments);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var lines = new List<string>();
        void Collect(string? line)
        {
            if (line is not null)
            {
                lock (lines)
                {
                    lines.Add(line);
                }
            }
        }

        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        process.WaitForExit(); // drains the redirected streams
        lock (lines)
        {
            return (process.ExitCode, lines.ToArray());
        }
    }

    // `dotnet tokenskip.dll serve ARGS`, the CLI built beside the tests, with both output streams captured.
    private static ProcessStartInfo ServeStartInfo(string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tokenskip.dll"));
        start.ArgumentList.Add("serve");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>Sends a POSIX signal (SIGINT = 2, SIGTERM = 15) to the server.</summary>
    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Waits for the server to exit and returns its exit code (a signal death reads 128 + the signal).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex ServingAddress();
}
