using TokenSkip.Core;

namespace TokenSkip.Pipeline.Evaluation;

/// <summary>What an evaluation runs.</summary>
public sealed record EvaluationOptions
{
    /// <summary>The ratios to evaluate TokenSkip at, in report order. Default: 1.0, 0.9, …, 0.5.</summary>
    public IReadOnlyList<CompressionRatio> Ratios { get; init; } = CompressionRatio.TrainingRatios;

    /// <summary>Also run the "original" and "truncation" baselines.</summary>
    public bool IncludeBaselines { get; init; }

    /// <summary>The generation limit (TokenSkip's evaluation uses 512).</summary>
    public int MaxNewTokens { get; init; } = 512;

    /// <summary>
    /// The batch size of the throughput measurement: each TokenSkip and original stage generates its first
    /// <c>BatchSize</c> samples once more as one batch. At 1 there is no extra pass: throughput is that of the
    /// batch-1 pass that also gives latency.
    /// </summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>
    /// How many samples (the first ones) are generated alone and timed for latency; the rest are generated in batches of
    /// <see cref="BatchSize"/> (greedy decoding gives the same text), which makes large evaluations much faster.
    /// Null (the default) times every sample.
    /// </summary>
    public int? LatencySamples { get; init; }

    /// <summary>
    /// Requests in flight for the samples past <see cref="LatencySamples"/> (e.g. the total of a set of remote replicas);
    /// null uses <see cref="BatchSize"/>. The throughput measurement always submits <see cref="BatchSize"/> at once.
    /// </summary>
    public int? Concurrency { get; init; }

    /// <summary>The stages in run order: TokenSkip at each ratio, then the original model, then truncation at each ratio below 1.</summary>
    public IReadOnlyList<EvaluationStage> Stages()
    {
        var stages = Ratios.Distinct().Select(r => new EvaluationStage(EvaluationMethod.TokenSkip, r)).ToList();
        if (IncludeBaselines)
        {
            stages.Add(new EvaluationStage(EvaluationMethod.Original, CompressionRatio.Uncompressed));
            stages.AddRange(Ratios.Distinct().Where(r => !r.IsUncompressed).Select(r => new EvaluationStage(EvaluationMethod.Truncation, r)));
        }

        return stages;
    }

    /// <summary>Checks every field; throws <see cref="ArgumentException"/> naming the first invalid one.</summary>
    public EvaluationOptions Validate()
    {
        if (Ratios.Count == 0)
        {
            throw new ArgumentException("ratios: give at least one compression ratio", nameof(Ratios));
        }

        if (MaxNewTokens < 1)
        {
            throw new ArgumentException($"max_new_tokens must be at least 1; got {MaxNewTokens}", nameof(MaxNewTokens));
        }

        if (BatchSize < 1)
        {
            throw new ArgumentException($"batch_size must be at least 1; got {BatchSize}", nameof(BatchSize));
        }

        if (Concurrency is < 1)
        {
            throw new ArgumentException($"concurrency must be at least 1; got {Concurrency}", nameof(Concurrency));
        }

        if (LatencySamples is < 1)
        {
            throw new ArgumentException($"latency_samples must be at least 1; got {LatencySamples}", nameof(LatencySamples));
        }

        return this;
    }
}
