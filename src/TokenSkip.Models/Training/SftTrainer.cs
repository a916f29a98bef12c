using System.Diagnostics;
using System.Globalization;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace TokenSkip.Models.Training;

/// <summary>
/// Supervised fine-tuning of a <see cref="CausalLanguageModel"/>: next-token cross-entropy on completion tokens only,
/// AdamWOptimizer with a warmup + cosine schedule, gradient accumulation over micro-batches (the loss is normalised by the
/// target tokens of the whole step, so accumulation equals one large batch), global-norm clipping, seeded data order,
/// and atomic checkpoints from which <c>resume</c> continues bit for bit. What is trained is the
/// <see cref="ITrainingTarget"/>: a LoRA adapter, or all (or some) of the model's weights.
/// </summary>
/// <remarks>
/// Runs on the calling thread (TorchSharp's dispose scopes and grad mode are per thread); every micro-batch runs in its
/// own dispose scope, so memory stays flat. The model's parameters keep <c>requires_grad = false</c> unless the target
/// trains them.
/// </remarks>
public sealed class SftTrainer
{
    private readonly CausalLanguageModel _model;
    private readonly ITrainingTarget _target;
    private readonly SftOptions _options;

    /// <summary>Creates a trainer for <paramref name="target"/> on <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public SftTrainer(CausalLanguageModel model, ITrainingTarget target, SftOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        _model = model;
        _target = target;
        _options = options.Validate();
    }

    /// <summary>
    /// Trains on <paramref name="examples"/>, writing checkpoints to <paramref name="outputFolder"/><c>/checkpoint-N</c>
    /// and, at the end, the target's artifact (a PEFT adapter, or a model folder) to <paramref name="outputFolder"/>.
    /// With <paramref name="resume"/> the run continues from the newest checkpoint there (or starts when there is none).
    /// Cancellation is honoured between steps; a checkpoint of the last finished step is written first.
    /// </summary>
    /// <exception cref="ArgumentException">No example has a loss target, or an id is outside the vocabulary.</exception>
    /// <exception cref="InvalidOperationException">The folder holds checkpoints but <paramref name="resume"/> is false.</exception>
    /// <exception cref="ModelFormatException">The checkpoint to resume from is broken or belongs to a different run.</exception>
    /// <exception cref="OperationCanceledException">Cancelled (after saving a checkpoint).</exception>
    public TrainingResult Train(IReadOnlyList<TrainingExample> examples, string outputFolder, bool resume = false,
        Action<TrainingProgress>? onProgress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var clock = Stopwatch.StartNew();
        CheckIds(examples);
        // Sequences never exceed the model's context: rotary tables and positions end there.
        var maxLength = Math.Min(_options.MaxLength, _model.Config.MaxPositions);
        var (rows, dropped) = TrainingSequences.Build(examples, maxLength, _options.Batching);
        if (rows.Count == 0)
        {
            throw new ArgumentException($"none of the {examples.Count} examples has a completion token within {maxLength} tokens");
        }

        var stepsPerEpoch = (rows.Count + _options.BatchSize - 1) / _options.BatchSize;
        var totalSteps = _options.MaxSteps ?? _options.Epochs * stepsPerEpoch;
        var schedule = CosineSchedule.WithWarmupRatio(_options.LearningRate, _options.WarmupRatio, totalSteps);
        var fingerprint = TrainingSequences.Fingerprint(rows);
        var settings = Settings();

        using var optimizer = new AdamWOptimizer(_target.Parameters, _options.Beta1, _options.Beta2, _options.Epsilon, _options.WeightDecay);
        var step = 0;
        var epoch = 0;
        int[] OrderOf(int e) => SplitMix64.Permutation(rows.Count, SplitMix64.Mix(_options.Seed, e));
        var order = OrderOf(0);
        int? resumedFrom = null;
        var loss = double.NaN;
        var latest = TrainingCheckpoint.FindLatest(outputFolder);
        if (latest is not null && !resume)
        {
            throw new InvalidOperationException(
                $"{outputFolder}: holds checkpoints of an earlier run ({Path.GetFileName(latest)}); resume it or choose another output folder");
        }

        if (latest is not null)
        {
            var state = TrainerState.Read(latest);
            CheckCompatible(latest, state, totalSteps, rows.Count, fingerprint, settings);
            _target.Load(latest);
            optimizer.Load(Path.Combine(latest, TrainingCheckpoint.OptimizerFileName), state.OptimizerStep);
            (step, epoch, order) = (state.GlobalStep, state.Epoch, state.DataOrder);
            resumedFrom = step;
            loss = state.Loss;
        }

        var lastSaved = step;
        var learningRate = 0.0;

        // The state a resumed run needs to take the step after `done`: that step's epoch and the epoch's row order.
        TrainerState StateAfter(int done)
        {
            var nextEpoch = done / stepsPerEpoch;
            return State(done, totalSteps, stepsPerEpoch, schedule, nextEpoch, nextEpoch == epoch ? order : OrderOf(nextEpoch),
                rows.Count, fingerprint, optimizer, learningRate, loss, settings);
        }

        _target.BeginTraining();

        // Grad mode is per thread: a caller inside no_grad must not silently train nothing.
        using var gradMode = enable_grad();
        try
        {
            while (step < totalSteps)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    if (step != lastSaved)
                    {
                        Checkpoint(outputFolder, step, optimizer, StateAfter(step));
                    }

                    cancellationToken.ThrowIfCancellationRequested();
                }

                if (step / stepsPerEpoch != epoch)
                {
                    epoch = step / stepsPerEpoch;
                    order = OrderOf(epoch);
                }

                var stepClock = Stopwatch.StartNew();
                var first = step % stepsPerEpoch * _options.BatchSize;
                var stepRows = order.Skip(first).Take(_options.BatchSize).Select(i => rows[i]).ToList();
                learningRate = schedule.LearningRate(step);
                var (stepLoss, gradNorm, tokens) = TrainStep(stepRows, step, learningRate, optimizer);
                loss = stepLoss;
                step++;

                string? saved = null;
                if (step == totalSteps || (_options.SaveSteps > 0 && step % _options.SaveSteps == 0))
                {
                    saved = Checkpoint(outputFolder, step, optimizer, StateAfter(step));
                    lastSaved = step;
                }

                var seconds = Math.Max(stepClock.Elapsed.TotalSeconds, 1e-9);
                onProgress?.Invoke(new TrainingProgress(step, totalSteps, (double)step / stepsPerEpoch, loss, learningRate, gradNorm,
                    tokens, tokens / seconds, clock.Elapsed, saved));
            }
        }
        finally
        {
            _target.EndTraining();
        }

        _target.Save(outputFolder);
        return new TrainingResult(step, resumedFrom, loss, rows.Count, dropped, clock.Elapsed);
    }

    // One optimizer step: forward/backward per micro-batch, each in its own dispose scope, then clip and update.
    private (double Loss, double GradNorm, int Tokens) TrainStep(List<TrainingSequence> stepRows, int step, double learningRate, AdamWOptimizer optimizer)
    {
        var targets = stepRows.Sum(r => r.TargetCount);
        var lossSum = 0.0;
        var tokens = 0;
        var micro = 0;
        foreach (var chunk in stepRows.Chunk(_options.MicroBatchSize))
        {
            var batch = TrainingBatch.Collate(chunk, _options.PadTokenId);
            tokens += batch.TokenCount;
            _target.SeedDropout(SplitMix64.Mix(_options.Seed, step, micro++));
            using var scope = NewDisposeScope();
            var ids = tensor(batch.InputIds, [batch.Rows, batch.Length], ScalarType.Int64, _model.TorchDevice);
            var labels = tensor(batch.Targets, [batch.Rows * batch.Length], ScalarType.Int64, _model.TorchDevice);
            var logits = _model.Forward(ids);
            var sum = nn.functional.cross_entropy(logits.view(-1, logits.shape[^1]), labels, ignore_index: TrainingSequence.Ignored,
                reduction: nn.Reduction.Sum);
            sum.div(targets).backward();
            lossSum += sum.item<float>();
        }

        var gradNorm = ClipGradients();
        optimizer.Step(learningRate);
        optimizer.ZeroGrad();
        return (lossSum / targets, gradNorm, tokens);
    }

    // PyTorch's clip_grad_norm_: scale every gradient by min(1, max / (norm + 1e-6)); returns the norm before clipping.
    private double ClipGradients()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var gradients = _target.Parameters.Select(p => p.Value.grad).OfType<Tensor>().ToList();
        if (gradients.Count == 0)
        {
            return 0;
        }

        var norm = stack(gradients.Select(g => g.to_type(ScalarType.Float32).norm()).ToArray()).norm();
        if (_options.MaxGradNorm > 0)
        {
            var coefficient = (norm + 1e-6).reciprocal().mul_(_options.MaxGradNorm).clamp_max_(1.0);
            foreach (var gradient in gradients)
            {
                gradient.mul_(coefficient.to_type(gradient.dtype));
            }
        }

        return norm.item<float>();
    }

    private string Checkpoint(string outputFolder, int step, AdamWOptimizer optimizer, TrainerState state) =>
        TrainingCheckpoint.Write(outputFolder, step, _options.SaveTotalLimit, _target, optimizer, state);

    private TrainerState State(int step, int totalSteps, int stepsPerEpoch, CosineSchedule schedule, int epoch, int[] order, int rowCount,
        string fingerprint, AdamWOptimizer optimizer, double learningRate, double loss, Dictionary<string, string> settings) => new()
    {
        Target = _target.Kind,
        GlobalStep = step,
        TotalSteps = totalSteps,
        StepsPerEpoch = stepsPerEpoch,
        WarmupSteps = schedule.WarmupSteps,
        Epoch = epoch,
        DataOrder = order,
        RowCount = rowCount,
        DataFingerprint = fingerprint,
        OptimizerStep = optimizer.StepCount,
        LearningRate = learningRate,
        Loss = double.IsNaN(loss) ? 0 : loss,
        Settings = settings,
    };

    private Dictionary<string, string> Settings()
    {
        static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
        return new Dictionary<string, string>
        {
            ["target"] = _target.Kind,
            ["learning_rate"] = Text(_options.LearningRate),
            ["epochs"] = Text(_options.Epochs),
            ["warmup_ratio"] = Text(_options.WarmupRatio),
            ["batch_size"] = Text(_options.BatchSize),
            ["micro_batch_size"] = Text(_options.MicroBatchSize),
            ["max_length"] = Text(_options.MaxLength),
            ["batching"] = _options.Batching.ToString(),
            ["weight_decay"] = Text(_options.WeightDecay),
            ["beta1"] = Text(_options.Beta1),
            ["beta2"] = Text(_options.Beta2),
            ["epsilon"] = Text(_options.Epsilon),
            ["max_grad_norm"] = Text(_options.MaxGradNorm),
            ["seed"] = Text(_options.Seed),
            ["max_steps"] = _options.MaxSteps?.ToString(CultureInfo.InvariantCulture) ?? "none",
            ["pad_token_id"] = Text(_options.PadTokenId),
            ["trainable_tensors"] = Text(_target.Parameters.Count),
            ["trainable_parameters"] = Text(_target.Parameters.Sum(p => p.Value.numel())),
        };
    }

    private void CheckCompatible(string folder, TrainerState state, int totalSteps, int rowCount, string fingerprint, Dictionary<string, string> settings)
    {
        var file = Path.Combine(folder, TrainerState.FileName);
        if (state.FormatVersion != 1)
        {
            throw new ModelFormatException(file, $"format_version {state.FormatVersion} is not supported");
        }

        foreach (var (key, value) in settings)
        {
            if (!state.Settings.TryGetValue(key, out var saved) || saved != value)
            {
                throw new ModelFormatException(file, $"settings.{key} is {saved ?? "absent"} in the checkpoint but {value} now; resume with the same settings");
            }
        }

        if (state.RowCount != rowCount || state.DataFingerprint != fingerprint)
        {
            throw new ModelFormatException(file, $"the checkpoint was trained on other data (row_count {state.RowCount}, data_fingerprint {state.DataFingerprint}; now {rowCount}, {fingerprint})");
        }

        if (state.TotalSteps != totalSteps || state.GlobalStep > totalSteps || state.DataOrder.Length != rowCount)
        {
            throw new ModelFormatException(file, $"total_steps {state.TotalSteps}, global_step {state.GlobalStep} do not fit this run of {totalSteps} steps");
        }
    }

    private void CheckIds(IReadOnlyList<TrainingExample> examples)
    {
        var vocabulary = _model.Config.VocabularySize;
        for (var i = 0; i < examples.Count; i++)
        {
            foreach (var id in examples[i].PromptIds.Concat(examples[i].CompletionIds))
            {
                if (id < 0 || id >= vocabulary)
                {
                    throw new ArgumentException($"example {i} holds token id {id}, outside the model's vocabulary of {vocabulary}");
                }
            }
        }

        if (_options.PadTokenId >= vocabulary)
        {
            throw new ArgumentException($"pad token id {_options.PadTokenId} is outside the model's vocabulary of {vocabulary}");
        }
    }
}
