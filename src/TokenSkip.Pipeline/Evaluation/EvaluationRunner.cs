using TokenSkip.Core.Compression;
using TokenSkip.Core.Answers;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Prompts;
using TokenSkip.Pipeline.Generation;

namespace TokenSkip.Pipeline.Evaluation;

/// <summary>
/// Runs an evaluation over an <see cref="IGenerationEngine"/>: for each stage (<see cref="EvaluationOptions.Stages"/>)
/// every sample is generated alone (batch 1, timed for latency), scored and stored as soon as it finishes; then, for
/// TokenSkip and original stages, the first <see cref="EvaluationOptions.BatchSize"/> samples are submitted again all at
/// once to measure throughput. Samples past <see cref="EvaluationOptions.LatencySamples"/> are submitted
/// <see cref="EvaluationOptions.Concurrency"/> (by default <see cref="EvaluationOptions.BatchSize"/>) at a time (a continuous-batching engine decodes them together). Decoding is
/// greedy and ends at the model family's end of turn. Samples and measurements already in the store are skipped, so an
/// interrupted run resumes where it stopped.
/// </summary>
public sealed class EvaluationRunner
{
    private readonly IGenerationEngine _model;
    private readonly IGenerationEngine? _originalModel;
    private readonly EvaluationOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates a runner; <paramref name="time"/> times latency and throughput (the system clock by default).</summary>
    /// <param name="model">The engine of the TokenSkip model (with slots for <see cref="EvaluationOptions.BatchSize"/> requests).</param>
    /// <param name="options">What to evaluate.</param>
    /// <param name="time">The clock.</param>
    /// <param name="originalModel">
    /// The model before TokenSkip training, for the "original" baseline (e.g. the base of a merged adapter); null when the
    /// TokenSkip model itself, prompted without γ, is the original.
    /// </param>
    public EvaluationRunner(IGenerationEngine model, EvaluationOptions options, TimeProvider? time = null, IGenerationEngine? originalModel = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _originalModel = originalModel;
        _options = (options ?? throw new ArgumentNullException(nameof(options))).Validate();
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Every prompt an evaluation of <paramref name="samples"/> with <paramref name="options"/> sends a <paramref name="family"/> model.</summary>
    public static IEnumerable<string> PromptsFor(IEnumerable<EvaluationSample> samples, EvaluationOptions options, ModelFamily family)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(options);
        var ratios = options.Stages().Select(s => s.PromptRatio).Distinct().ToArray();
        return samples.SelectMany(s => ratios.Select(r => TokenSkipPromptBuilder.BuildPrompt(family, s.Question, r)));
    }

    /// <summary>Evaluates <paramref name="dataset"/>, storing rows in <paramref name="store"/>, and returns the metrics.</summary>
    /// <exception cref="OperationCanceledException">Cancelled; every finished sample is in the store.</exception>
    public EvaluationReport Run(EvaluationDataset dataset, EvaluationStore store, IProgress<EvaluationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(store);
        var stages = _options.Stages();
        // Without a separate original model, the original and γ = 1.0 TokenSkip get the same prompt from the same model:
        // greedy decoding makes the same text, so the original reuses those rows instead of generating twice.
        var originalReusesUncompressed = _originalModel is null && stages.Contains(EvaluationStage.TokenSkipUncompressed);
        for (var i = 0; i < stages.Count; i++)
        {
            var stage = stages[i];
            var reuse = stage == EvaluationStage.OriginalModel && originalReusesUncompressed ? EvaluationStage.TokenSkipUncompressed : null;
            RunStage(stage, i + 1, stages.Count, reuse, dataset.Samples, store, progress, cancellationToken);
            MeasureThroughput(stage, i + 1, stages.Count, reuse, dataset.Samples, store, progress, cancellationToken);
        }

        var summary = stages.Select(s => (s,
            (IReadOnlyList<SampleRecord>)dataset.Samples.Select(sample => store.Find(s, sample.Id)!).ToArray(),
            store.FindThroughput(s))).ToArray();
        var rows = EvaluationSummarizer.Summarize(summary, out var ratioReference);
        return new EvaluationReport
        {
            Results = rows,
            Data = dataset.Path,
            Layout = dataset.LayoutName,
            Model = store.Info.Model,
            MaxNewTokens = _options.MaxNewTokens,
            RatioReference = ratioReference,
        };
    }

    private void RunStage(EvaluationStage stage, int number, int count, EvaluationStage? reuse, IReadOnlyList<EvaluationSample> samples,
        EvaluationStore store, IProgress<EvaluationProgress>? progress, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var finished = samples.Select(s => store.Find(stage, s.Id)).OfType<SampleRecord>().ToArray();
        var (completed, correct, resumed) = (finished.Length, finished.Count(r => r.Correct), finished.Length);
        progress?.Report(new EvaluationProgress(stage, number, count, completed, samples.Count, correct, resumed, TimeSpan.Zero));

        void Add(SampleRecord record)
        {
            store.Add(record);
            completed++;
            correct += record.Correct ? 1 : 0;
            progress?.Report(new EvaluationProgress(stage, number, count, completed, samples.Count, correct, resumed, _time.GetElapsedTime(started)));
        }

        // The first LatencySamples samples run alone and are timed; the others are submitted BatchSize at a time.
        var timedCount = _options.LatencySamples ?? samples.Count;
        var batched = new List<EvaluationSample>();
        for (var i = 0; i < samples.Count; i++)
        {
            var sample = samples[i];
            if (store.Find(stage, sample.Id) is not null)
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (reuse is not null && store.Find(reuse, sample.Id) is { } same)
            {
                Add(same with { Method = stage.Method });
            }
            else if (i < timedCount)
            {
                var request = Request(stage, sample, store);
                var sampleStarted = _time.GetTimestamp();
                var completion = ConcurrentGeneration.Generate(ModelFor(stage), request, cancellationToken);
                Add(Record(stage, sample, request, completion, _time.GetElapsedTime(sampleStarted)));
            }
            else
            {
                batched.Add(sample);
            }
        }

        // Each request carries its own limit (truncation caps differ per sample), so any samples can share the batch.
        var requests = batched.Select(s => Request(stage, s, store)).ToArray();
        ConcurrentGeneration.Run(ModelFor(stage), Enumerable.Range(0, batched.Count).ToArray(), i => requests[i], _options.Concurrency ?? _options.BatchSize,
            (i, completion) => Add(Record(stage, batched[i], requests[i], completion, latency: null)), cancellationToken);
    }

    private IGenerationEngine ModelFor(EvaluationStage stage) =>
        stage.Method is EvaluationMethod.Original or EvaluationMethod.Truncation && _originalModel is not null ? _originalModel : _model;

    private int LimitFor(EvaluationStage stage, EvaluationSample sample, EvaluationStore store) =>
        stage.Method == EvaluationMethod.Truncation
            ? stage.TruncationCap((store.Find(EvaluationStage.OriginalModel, sample.Id)
                ?? throw new InvalidOperationException($"truncation needs the original model's row for sample {sample.Id}")).GeneratedTokens)
            : _options.MaxNewTokens;

    private GenerationRequest Request(EvaluationStage stage, EvaluationSample sample, EvaluationStore store, int? limit = null)
    {
        var model = ModelFor(stage);
        return new GenerationRequest
        {
            PromptText = TokenSkipPromptBuilder.BuildPrompt(model.Info.Family, sample.Question, stage.PromptRatio),
            Options = TurnEndOptions.For(model.Info, limit ?? LimitFor(stage, sample, store)),
        };
    }

    // A sample's row; a sample generated alone has its wall time as latency.
    private SampleRecord Record(EvaluationStage stage, EvaluationSample sample, GenerationRequest request, EngineCompletion completion,
        TimeSpan? latency)
    {
        var score = AnswerScorer.Score(completion.Text, sample.Answer, sample.Question);
        return new SampleRecord
        {
            Method = stage.Method,
            Gamma = stage.Gamma.Value,
            Id = sample.Id,
            Reference = sample.Answer,
            Prediction = score.Prediction,
            Correct = score.IsCorrect,
            CotTokens = ModelFor(stage).CountTokens(AnswerSuffix.Split(completion.Text).Body),
            GeneratedTokens = completion.Usage.CompletionTokens,
            MaxNewTokens = request.Options.MaxNewTokens,
            FinishReason = completion.FinishReason == Core.Generation.FinishReason.Stop ? "stop" : "length",
            LatencyMs = latency?.TotalMilliseconds,
            Output = completion.Text,
        };
    }

    private void MeasureThroughput(EvaluationStage stage, int number, int count, EvaluationStage? reuse, IReadOnlyList<EvaluationSample> samples,
        EvaluationStore store, IProgress<EvaluationProgress>? progress, CancellationToken cancellationToken)
    {
        if (_options.BatchSize == 1 || stage.Method == EvaluationMethod.Truncation || store.FindThroughput(stage) is not null)
        {
            return;
        }

        if (reuse is not null && store.FindThroughput(reuse) is { } same)
        {
            store.Add(same with { Method = stage.Method });
            return;
        }

        var batch = samples.Take(_options.BatchSize).ToArray();
        var requests = batch.Select(s => Request(stage, s, store, _options.MaxNewTokens)).ToArray();
        var correct = samples.Count(s => store.Find(stage, s.Id)!.Correct);
        progress?.Report(new EvaluationProgress(stage, number, count, samples.Count, samples.Count, correct, samples.Count, TimeSpan.Zero, MeasuringThroughput: true));
        var started = _time.GetTimestamp();
        var completions = ConcurrentGeneration.GenerateAll(ModelFor(stage), requests, cancellationToken);
        var elapsed = _time.GetElapsedTime(started);
        store.Add(new ThroughputRecord
        {
            Method = stage.Method,
            Gamma = stage.Gamma.Value,
            BatchSize = batch.Length,
            GeneratedTokens = completions.Sum(c => c.Usage.CompletionTokens),
            ElapsedMs = elapsed.TotalMilliseconds,
        });
    }
}
