namespace TokenSkip.Bench;

/// <summary>What one engine measured in its own process at one precision.</summary>
internal sealed record EngineMeasurement
{
    public required string Engine { get; init; }

    public required string Precision { get; init; }

    public required int Threads { get; init; }

    public required double LoadSeconds { get; init; }

    /// <summary>Decode tokens/s of each repetition (batch 1, greedy, after the short prompt).</summary>
    public required double[] DecodeTokensPerSecond { get; init; }

    /// <summary>Prefill tokens/s of each repetition (the long prompt, up to the first token's logits).</summary>
    public required double[] PrefillTokensPerSecond { get; init; }

    /// <summary>Average cores other processes used during the timed repetitions (a noise indicator; null off Linux).</summary>
    public double? OtherProcessesCores { get; init; }

    /// <summary>Peak resident memory of the whole process: loading, warm-up and all repetitions.</summary>
    public long? PeakRssBytes { get; init; }

    /// <summary>Peak resident memory from the end of loading on (null when the peak could not be reset).</summary>
    public long? PeakRssAfterLoadBytes { get; init; }

    /// <summary>The greedy tokens of the first decode repetition.</summary>
    public required int[] GreedyTokens { get; init; }

    /// <summary>A float32 file with the logits after the short prompt, for comparing engines.</summary>
    public string? LogitsFile { get; init; }

    public string? Notes { get; init; }

    /// <summary>Rounds this row stands for (1 for a single child process).</summary>
    public int Rounds { get; init; } = 1;

    /// <summary>Rounds left out of the figures because other processes used the CPU meanwhile.</summary>
    public int NoisyRoundsLeftOut { get; init; }

    /// <summary>
    /// Several rounds of the same measurement as one: the repetitions of the rounds during which other processes used
    /// less than <paramref name="quietCores"/> (all rounds when none was that quiet), the highest peaks, the mean load.
    /// </summary>
    public static EngineMeasurement Merge(IReadOnlyList<EngineMeasurement> rounds, double quietCores)
    {
        var quiet = rounds.Where(r => r.OtherProcessesCores is null || r.OtherProcessesCores < quietCores).ToList();
        var used = quiet.Count > 0 ? quiet : rounds;
        return used[0] with
        {
            LoadSeconds = Statistics.Median(used.Select(r => r.LoadSeconds).ToArray()),
            DecodeTokensPerSecond = used.SelectMany(r => r.DecodeTokensPerSecond).ToArray(),
            PrefillTokensPerSecond = used.SelectMany(r => r.PrefillTokensPerSecond).ToArray(),
            PeakRssBytes = rounds.Max(r => r.PeakRssBytes),
            PeakRssAfterLoadBytes = rounds.Max(r => r.PeakRssAfterLoadBytes),
            OtherProcessesCores = used.Any(r => r.OtherProcessesCores is null) ? null : used.Average(r => r.OtherProcessesCores!.Value),
            Rounds = rounds.Count,
            NoisyRoundsLeftOut = rounds.Count - used.Count,
        };
    }
}
