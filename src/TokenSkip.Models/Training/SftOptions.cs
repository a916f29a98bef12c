namespace TokenSkip.Models.Training;

/// <summary>
/// Hyper-parameters of a supervised fine-tuning (or pretraining) run. Defaults are TokenSkip's reference recipe:
/// lr 5e-5 with cosine decay after a 10% linear warmup, 3 epochs, effective batch 8, AdamW (β 0.9/0.999, ε 1e-8,
/// no weight decay), gradient clipping at 1.0, sequences cut at 2048 tokens.
/// </summary>
public sealed record SftOptions
{
    /// <summary>Peak learning rate.</summary>
    public double LearningRate { get; init; } = 5e-5;

    /// <summary>Passes over the data.</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>Fraction of the optimizer steps spent warming up linearly from 0 (rounded up to whole steps).</summary>
    public double WarmupRatio { get; init; } = 0.1;

    /// <summary>Examples (or packed rows) per optimizer step: the effective batch.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Examples (or packed rows) per forward/backward pass; gradients accumulate over <see cref="BatchSize"/> / this.</summary>
    public int MicroBatchSize { get; init; } = 1;

    /// <summary>Longest sequence in tokens; longer examples lose the end of their completion (packed rows are at most this long).</summary>
    public int MaxLength { get; init; } = 2048;

    /// <summary>Right-pad each micro-batch (default), or pack several examples into rows of up to <see cref="MaxLength"/> tokens.</summary>
    public BatchingMode Batching { get; init; } = BatchingMode.Padding;

    /// <summary>AdamW's decoupled weight decay.</summary>
    public double WeightDecay { get; init; }

    /// <summary>AdamW's β1.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>AdamW's β2.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>AdamW's ε.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Clip the global gradient norm to this (0 disables clipping).</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>Seed for the LoRA initialisation, the data order and dropout.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Stop after this many optimizer steps (the schedule then spans them); null for <see cref="Epochs"/> full passes.</summary>
    public int? MaxSteps { get; init; }

    /// <summary>Write a resumable checkpoint every this many steps (and at the end); 0 for only at the end.</summary>
    public int SaveSteps { get; init; } = 500;

    /// <summary>How many checkpoints to keep (the newest).</summary>
    public int SaveTotalLimit { get; init; } = 2;

    /// <summary>The token id used to pad batches (never a loss target, never attended to by real tokens).</summary>
    public int PadTokenId { get; init; }

    /// <summary>Micro-batches per optimizer step.</summary>
    public int AccumulationSteps => BatchSize / MicroBatchSize;

    /// <summary>Checks the values; returns this.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names the option.</exception>
    public SftOptions Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok)
            {
                throw new ArgumentException(message);
            }
        }

        Require(LearningRate > 0 && double.IsFinite(LearningRate), $"learning rate must be positive; got {LearningRate}");
        Require(Epochs > 0, $"epochs must be at least 1; got {Epochs}");
        Require(WarmupRatio is >= 0 and < 1, $"warmup ratio must be in [0, 1); got {WarmupRatio}");
        Require(BatchSize > 0, $"batch size must be at least 1; got {BatchSize}");
        Require(MicroBatchSize > 0 && BatchSize % MicroBatchSize == 0,
            $"micro-batch size must divide the batch size; got {MicroBatchSize} for batch {BatchSize}");
        Require(MaxLength >= 2, $"max length must be at least 2 tokens; got {MaxLength}");
        Require(WeightDecay >= 0, $"weight decay must not be negative; got {WeightDecay}");
        Require(Beta1 is >= 0 and < 1 && Beta2 is >= 0 and < 1, $"AdamW betas must be in [0, 1); got {Beta1}, {Beta2}");
        Require(Epsilon > 0, $"AdamW epsilon must be positive; got {Epsilon}");
        Require(MaxGradNorm >= 0, $"max grad norm must not be negative; got {MaxGradNorm}");
        Require(MaxSteps is null or > 0, $"max steps must be at least 1; got {MaxSteps}");
        Require(SaveSteps >= 0, $"save steps must not be negative; got {SaveSteps}");
        Require(SaveTotalLimit >= 1, $"save total limit must be at least 1; got {SaveTotalLimit}");
        Require(PadTokenId >= 0, $"pad token id must not be negative; got {PadTokenId}");
        return this;
    }
}
