using System.Diagnostics;

namespace TokenSkip.Bench;

/// <summary>
/// How busy the rest of the machine was while something was timed: CPU time used by all processes (/proc/stat) minus
/// this process's own, as an average number of cores. Near 0 means the figures are clean; around 1 on a 2-core machine
/// means another workload took half of it and the figures are noisy.
/// </summary>
internal sealed class CpuActivity
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on Linux
    private readonly long _systemBusy;
    private readonly TimeSpan _process;
    private readonly long _start;

    private CpuActivity()
    {
        _systemBusy = SystemBusyTicks();
        _process = Process.GetCurrentProcess().TotalProcessorTime;
        _start = Stopwatch.GetTimestamp();
    }

    public static CpuActivity Start() => new();

    /// <summary>
    /// Waits until other processes use less than <paramref name="maxCores"/> over a one-second sample, for at most
    /// <paramref name="maxWait"/>; returns the last sample (null off Linux).
    /// </summary>
    public static double? WaitForQuiet(double maxCores, TimeSpan maxWait)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(maxWait.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var sample = Start();
            Thread.Sleep(1000);
            var others = sample.OtherProcessesCores();
            if (others is null || others < maxCores || Stopwatch.GetTimestamp() >= deadline)
            {
                return others;
            }
        }
    }

    /// <summary>Average cores other processes used since <see cref="Start"/>, or null off Linux.</summary>
    public double? OtherProcessesCores()
    {
        if (!File.Exists("/proc/stat"))
        {
            return null;
        }

        var seconds = Stopwatch.GetElapsedTime(_start).TotalSeconds;
        var system = (SystemBusyTicks() - _systemBusy) / TicksPerSecond;
        var own = (Process.GetCurrentProcess().TotalProcessorTime - _process).TotalSeconds;
        return Math.Max(0, system - own) / seconds;
    }

    // "cpu user nice system idle iowait irq softirq steal ...": everything but idle and iowait.
    private static long SystemBusyTicks()
    {
        if (!File.Exists("/proc/stat"))
        {
            return 0;
        }

        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return fields.Take(8).Sum() - fields[3] - fields[4];
    }
}
