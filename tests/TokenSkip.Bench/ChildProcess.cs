using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace TokenSkip.Bench;

/// <summary>
/// Runs one measurement in a fresh process of this program, so each engine's peak memory is its own and no engine
/// inherits another's threads, caches or allocator state.
/// </summary>
internal static class ChildProcess
{
    /// <summary>Runs the child; null when it did not finish within <paramref name="timeout"/> (it is killed).</summary>
    public static EngineMeasurement? Run(IReadOnlyList<string> arguments, string resultFile, TimeSpan timeout, Action<string> report)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var host = Environment.ProcessPath ?? "dotnet";
        start.FileName = host;
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        foreach (var argument in arguments.Append("--result").Append(resultFile))
        {
            start.ArgumentList.Add(argument);
        }

        File.Delete(resultFile);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {host}");
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            report($"  timed out after {timeout.TotalSeconds:F0} s (another workload on the machine?): left out");
            return null;
        }

        if (process.ExitCode != 0 || !File.Exists(resultFile))
        {
            throw new InvalidOperationException(
                $"measurement '{string.Join(' ', arguments)}' failed (exit {process.ExitCode}):\n{Tail(output.Result)}\n{Tail(errors.Result)}");
        }

        var stderr = errors.Result.Trim();
        if (stderr.Length > 0)
        {
            report($"  (child stderr: {Tail(stderr, 300)})");
        }

        return JsonSerializer.Deserialize<EngineMeasurement>(File.ReadAllText(resultFile), Json.Options)
            ?? throw new InvalidOperationException($"empty result in {resultFile}");
    }

    private static string Tail(string text, int length = 4000) => text.Length <= length ? text : "…" + text[^length..];
}
