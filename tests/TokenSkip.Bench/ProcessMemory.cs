namespace TokenSkip.Bench;

/// <summary>This process's resident memory from /proc (Linux): current, peak, and resetting the peak.</summary>
internal static class ProcessMemory
{
    /// <summary>Peak resident set size in bytes (VmHWM), or null off Linux.</summary>
    public static long? PeakBytes() => Read("VmHWM:");

    /// <summary>Current resident set size in bytes (VmRSS), or null off Linux.</summary>
    public static long? CurrentBytes() => Read("VmRSS:");

    /// <summary>Resets the peak to the current size (writing 5 to /proc/self/clear_refs); false when not possible.</summary>
    public static bool TryResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The larger of two optional sizes.</summary>
    public static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    private static long? Read(string field)
    {
        if (!File.Exists("/proc/self/status"))
        {
            return null;
        }

        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is null ? null : long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
