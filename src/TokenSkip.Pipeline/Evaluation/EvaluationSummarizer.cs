namespace TokenSkip.Pipeline.Evaluation;

/// <summary>Turns the finished samples of each stage into its metrics (TokenSkip's definitions, see each field of <see cref="EvaluationRow"/>).</summary>
public static class EvaluationSummarizer
{
    /// <summary>One row per stage, in the given order; <paramref name="ratioReference"/> says what actual ratios divide by.</summary>
    /// <exception cref="ArgumentException">A stage has no samples.</exception>
    public static IReadOnlyList<EvaluationRow> Summarize(
        IReadOnlyList<(EvaluationStage Stage, IReadOnlyList<SampleRecord> Samples, ThroughputRecord? Throughput)> stages,
        out string? ratioReference)
    {
        ArgumentNullException.ThrowIfNull(stages);
        var rows = stages.Select(s => Row(s.Stage, s.Samples, s.Throughput)).ToList();
        var byStage = stages.Select(s => s.Stage).Zip(rows).ToDictionary(p => p.First, p => p.Second);
        var (reference, name) = byStage.TryGetValue(EvaluationStage.TokenSkipUncompressed, out var uncompressed) ? (uncompressed, "gamma=1.0")
            : byStage.TryGetValue(EvaluationStage.OriginalModel, out var original) ? (original, "original")
            : (null, null);
        ratioReference = name;
        return rows.Select(r => r with
        {
            ActualRatio = reference is null || reference.MeanCotTokens == 0 ? null : r.MeanCotTokens / reference.MeanCotTokens,
        }).ToList();
    }

    private static EvaluationRow Row(EvaluationStage stage, IReadOnlyList<SampleRecord> samples, ThroughputRecord? throughput)
    {
        if (samples.Count == 0)
        {
            throw new ArgumentException($"stage {stage} has no finished samples", nameof(samples));
        }

        // Without a batched measurement, throughput is that of the batch-1 pass (the samples that were timed alone).
        var timed = samples.Where(s => s.LatencyMs is not null).ToArray();
        var (batchSize, batchSamples, tokens, milliseconds) = throughput is null
            ? (1, timed.Length, timed.Sum(s => s.GeneratedTokens), timed.Sum(s => s.LatencyMs!.Value))
            : (throughput.BatchSize, throughput.BatchSize, throughput.GeneratedTokens, throughput.ElapsedMs);
        var seconds = milliseconds / 1000;
        return new EvaluationRow
        {
            Gamma = stage.Gamma.Value,
            Method = stage.Method == EvaluationMethod.TokenSkip ? null : stage.Method,
            Accuracy = (double)samples.Count(s => s.Correct) / samples.Count,
            MeanCotTokens = samples.Average(s => s.CotTokens),
            ActualRatio = null,
            LatencyMsPerSample = timed.Length > 0 ? timed.Average(s => s.LatencyMs!.Value) : double.NaN,
            LatencySamples = timed.Length,
            Samples = samples.Count,
            MeanGeneratedTokens = samples.Average(s => s.GeneratedTokens),
            ThroughputSamplesPerSecond = seconds > 0 ? batchSamples / seconds : null,
            ThroughputTokensPerSecond = seconds > 0 ? tokens / seconds : null,
            ThroughputBatchSize = batchSize,
        };
    }
}
