using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using TokenSkip.Core;
using TokenSkip.Core.Answers;
using TokenSkip.Core.Calibration;
using TokenSkip.Core.Compression;
using TokenSkip.Core.IO;
using TokenSkip.Core.Prompts;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Compression;
using TokenSkip.Models.Configuration;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Loading;
using TokenSkip.Models.Lora;
using TokenSkip.Models.Runtime;
using TokenSkip.Models.Tokenization;
using TokenSkip.Models.Training;
using TokenSkip.Models.Transformer;
using TokenSkip.Pipeline.Data;
using TokenSkip.Pipeline.Evaluation;
using TokenSkip.Pipeline.Generation;
using TokenSkip.Pipeline.Stages;
using TokenSkip.Pipeline.Synthetic;

namespace TokenSkip.Pipeline.Recipes;

/// <summary>
/// Builds the embedded default model end to end with the project's own pipeline, exactly as for a real model:
/// synthetic problems → BPE tokenizer → a small Qwen2 trained from scratch (the base, "original" model) → its own
/// CoTs on training questions → correct ones kept → compressed at γ ∈ {0.9..0.5} by the base model's self-information
/// → mixed-γ data → LoRA SFT → merge → evaluation on held-out problems (with the original, truncation and
/// random-word-dropping baselines) → <c>tokenskip.json</c> calibration. Every step is skipped when its output is
/// already complete, and the long ones resume where they stopped.
/// </summary>
public sealed class DefaultModelRecipe(DefaultModelRecipeOptions options)
{
    private const ModelFamily Family = ModelFamily.Qwen2;
    private readonly Dictionary<string, double> _timings = [];

    /// <summary>The file in the work folder that records each step's duration in seconds.</summary>
    public const string TimingsFileName = "timings.json";

    /// <summary>The work folder's subfolder with the combined results (results.json, results.md, results.png): TokenSkip, its baselines and the random-dropping ablation.</summary>
    public const string ResultsFolderName = "results";

    private string Work(params string[] parts) => Path.Combine([options.WorkFolder, .. parts]);

    /// <summary>Runs every step not yet done; returns the final evaluation.</summary>
    public EvaluationReport Run(IProgress<string> log, IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(options.WorkFolder);
        LoadTimings();
        var train = Work("data", "train.jsonl");
        var test = Work("data", "test.jsonl");
        Step("data", log, () => WriteProblems(train, test));
        var tokenizerFolder = Work("tokenizer");
        Step("tokenizer", log, () => TrainTokenizer(train, tokenizerFolder));
        var baseFolder = Work("base");
        Step("base", log, () => TrainBase(train, tokenizerFolder, baseFolder, log, cancellationToken));
        var trajectories = Work("trajectories.jsonl");
        Step("trajectories", log, () => GenerateTrajectories(train, baseFolder, trajectories, progress, cancellationToken));
        var filtered = Work("filtered.jsonl");
        Step("filter", log, () => Filter(trajectories, baseFolder, filtered, log));

        var scorers = options.Ablation ? new[] { SurprisalScorer.ScorerName, RandomScorer.ScorerName } : [SurprisalScorer.ScorerName];
        if (options.ParallelBranches && scorers.Length > 1)
        {
            // Independent branches, each on its own thread (libtorch's thread count is process-wide; with one
            // thread per op, two branches keep two cores busy).
            var branches = scorers.Select(scorer => Task.Run(() => RunBranch(scorer, baseFolder, filtered, log, progress, cancellationToken), cancellationToken)).ToArray();
            try
            {
                Task.WaitAll(branches, cancellationToken);
            }
            catch (AggregateException e)
            {
                ExceptionDispatchInfo.Capture(e.Flatten().InnerExceptions[0]).Throw();
            }
        }
        else
        {
            foreach (var scorer in scorers)
            {
                RunBranch(scorer, baseFolder, filtered, log, progress, cancellationToken);
            }
        }

        var evaluation = Work("eval");
        var report = Evaluate(Work($"merged-{SurprisalScorer.ScorerName}"), baseFolder, test, evaluation, baselines: true, log, cancellationToken);
        if (options.Ablation)
        {
            var ablation = Evaluate(Work($"merged-{RandomScorer.ScorerName}"), null, test, Work("eval-ablation"), baselines: false, log, cancellationToken);
            EvaluationReportWriter.Write(Work(ResultsFolderName), Combine(report, ablation));
        }
        else
        {
            EvaluationReportWriter.Write(Work(ResultsFolderName), report);
        }

        Step("publish", log, () => Publish(report, log));
        return report;
    }

    // Compress the filtered CoTs with one scorer, build the mixed-γ data, train the LoRA adapter and merge it.
    private void RunBranch(string scorer, string baseFolder, string filtered, IProgress<string> log, IProgress<StageProgress>? progress,
        CancellationToken cancellationToken)
    {
        var compressed = Work($"compressed-{scorer}.jsonl");
        Step($"compress-{scorer}", log, () => Compress(scorer, baseFolder, filtered, compressed, log, progress, cancellationToken));
        var dataset = Work($"dataset-{scorer}");
        Step($"dataset-{scorer}", log, () => DatasetBuilder.Build(
            JsonLines.Read<FilteredRecord>(filtered).ToList(), JsonLines.Read<CompressedRecord>(compressed).ToList(),
            dataset, Family, options.Seed, [filtered, compressed]));
        var adapter = Work($"adapter-{scorer}");
        Step($"lora-{scorer}", log, () => TrainAdapter(baseFolder, Path.Combine(dataset, "train.alpaca.json"), adapter, log, cancellationToken));
        Step($"merge-{scorer}", log, () => AdapterMerger.MergeToFolder(baseFolder, adapter, Work($"merged-{scorer}")));
    }

    private void WriteProblems(string train, string test)
    {
        var trainSet = WordProblemGenerator.Generate(options.TrainSeed, options.TrainProblems).ToList();
        JsonLines.WriteAll(train, trainSet);
        var excluded = trainSet.Select(p => p.Question).ToHashSet(StringComparer.Ordinal);
        JsonLines.WriteAll(test, WordProblemGenerator.Generate(options.TestSeed, options.TestProblems, excluded));
    }

    // The tokenizer sees what the model will: questions, CoTs and TokenSkip's prompt around them.
    private void TrainTokenizer(string train, string folder)
    {
        var texts = JsonLines.Read<WordProblem>(train).SelectMany((p, i) => new[]
        {
            TokenSkipPromptBuilder.BuildPrompt(Family, p.Question, CompressionRatio.TrainingRatios[i % CompressionRatio.TrainingRatios.Count]),
            p.Cot,
        });
        BpeTokenizerTrainer.Train(texts, folder, new BpeTrainingOptions { VocabularySize = options.VocabularySize });
    }

    private void TrainBase(string train, string tokenizerFolder, string baseFolder, IProgress<string> log, CancellationToken cancellationToken)
    {
        var tokenizer = HfTokenizer.Load(tokenizerFolder);
        var endOfTurn = tokenizer.TryGetTokenId(SftSampleRenderer.EndOfTurn(Family), out var id) ? id
            : throw new InvalidOperationException("the trained tokenizer lacks <|im_end|>");
        var config = new TransformerConfig
        {
            Architecture = ModelArchitecture.Qwen2,
            ModelType = "qwen2",
            HiddenSize = options.HiddenSize,
            IntermediateSize = options.IntermediateSize,
            LayerCount = options.Layers,
            HeadCount = options.Heads,
            KeyValueHeadCount = options.KeyValueHeads,
            HeadDim = options.HiddenSize / options.Heads,
            VocabularySize = tokenizer.VocabularySize,
            MaxPositions = options.MaxPositions,
            RmsNormEpsilon = 1e-6,
            RopeTheta = 10000,
            TieWordEmbeddings = true,
            AttentionBias = true,
            EosTokenIds = [endOfTurn],
        };
        var examples = JsonLines.Read<WordProblem>(train)
            .Select(p => SftSampleRenderer.FromAlpaca(TokenSkipPromptBuilder.BuildTrainingRecord(
                p.Question, AnswerSuffix.Split(p.Cot).Body, p.Answer, CompressionRatio.Uncompressed), Family))
            .Select(s => TrainingExample.Encode(s, tokenizer))
            .ToList();
        var steps = (int)Math.Ceiling(options.BaseEpochs * examples.Count / options.BaseBatchSize);
        using var model = new CausalLanguageModel(config, TrainingLoad()).InitializeRandom(options.Seed);
        var sft = new SftOptions
        {
            LearningRate = options.BaseLearningRate,
            BatchSize = options.BaseBatchSize,
            MicroBatchSize = options.BaseBatchSize,
            MaxSteps = steps,
            WarmupRatio = 0.05,
            WeightDecay = 0.01,
            Seed = options.Seed,
            PadTokenId = endOfTurn,
            SaveSteps = 200,
        };
        log.Report($"base model: {model.parameters().Sum(p => p.numel()):N0} parameters, {examples.Count} examples, {steps} steps");
        var checkpoints = Work("base-training");
        new SftTrainer(model, new FullTrainingTarget(model), sft).Train(examples, checkpoints, resume: true,
            p => ReportTraining("base", p, log), cancellationToken);
        model.Save(baseFolder);
        TokenizerFiles.Copy(tokenizerFolder, baseFolder);
    }

    private void GenerateTrajectories(string train, string baseFolder, string output, IProgress<StageProgress>? progress, CancellationToken cancellationToken)
    {
        var problems = ProblemSet.Load(train, options.TrajectoryProblems);
        var trajectories = new TrajectoryOptions { BatchSize = options.GenerationBatchSize, MaxNewTokens = 300 };
        var bundle = ModelBundle.Load(baseFolder);
        using var engine = StageEngine.Create(bundle, trajectories.BatchSize, trajectories.MaxNewTokens,
            TrajectoryStage.PromptsFor(problems, trajectories, bundle.Family));
        new TrajectoryStage(engine, trajectories, baseFolder).Run(problems, output, progress, cancellationToken);
    }

    private static void Filter(string trajectories, string baseFolder, string output, IProgress<string> log)
    {
        var summary = FilterStage.Run(JsonLines.Read<TrajectoryRecord>(trajectories).ToList(), HfTokenizer.Load(baseFolder), output, inputs: [trajectories]);
        log.Report($"filter: kept {summary.Kept} of {summary.Total} (base model accuracy on training questions {summary.Accuracy:P1})");
        if (summary.Kept == 0)
        {
            throw new InvalidOperationException(
                $"{output}: the base model answered none of {summary.Total} training questions correctly; train it longer (--base-epochs) or make it larger");
        }
    }

    private void Compress(string scorerName, string baseFolder, string filtered, string output, IProgress<string> log,
        IProgress<StageProgress>? progress, CancellationToken cancellationToken)
    {
        var tokenizer = HfTokenizer.Load(baseFolder);
        using IImportanceScorer scorer = scorerName == RandomScorer.ScorerName ? new RandomScorer(options.Seed) : SurprisalScorer.Load(baseFolder);
        var pruning = new PruningOptions { KeepDigits = options.KeepDigits, ForceTokens = options.ForceTokens };
        new CompressionStage(new CotCompressor(scorer, tokenizer, pruning, RatioMeasure.TargetTokens)).Run(JsonLines.Read<FilteredRecord>(filtered).ToList(), output, progress, cancellationToken);
        foreach (var group in JsonLines.Read<CompressedRecord>(output).GroupBy(r => r.Gamma).OrderByDescending(g => g.Key))
        {
            log.Report(string.Create(CultureInfo.InvariantCulture, $"compress ({scorerName}) γ={group.Key}: mean actual ratio {group.Average(r => r.ActualRatio):F3}"));
        }
    }

    private void TrainAdapter(string baseFolder, string data, string output, IProgress<string> log, CancellationToken cancellationToken)
    {
        var tokenizer = HfTokenizer.Load(baseFolder);
        var examples = SftDataFile.Read(data, Family).Select(s => TrainingExample.Encode(s, tokenizer)).ToList();
        tokenizer.TryGetTokenId(SftSampleRenderer.EndOfTurn(Family), out var endOfTurn);
        using var model = CausalLanguageModel.Load(baseFolder, TrainingLoad());
        using var adapter = LoraAdapter.Create(model, new LoraConfig
        {
            Rank = options.LoraRank,
            Alpha = options.LoraAlpha,
            BaseModelNameOrPath = baseFolder,
        }.Validate(), options.Seed);
        var sft = new SftOptions
        {
            LearningRate = options.LoraLearningRate,
            Epochs = options.LoraEpochs,
            BatchSize = options.LoraBatchSize,
            MicroBatchSize = options.LoraBatchSize,
            Seed = options.Seed,
            PadTokenId = endOfTurn,
            SaveSteps = 200,
        };
        log.Report($"LoRA r={options.LoraRank} on {adapter.Layers.Count} projections, {examples.Count} examples from {data}");
        new SftTrainer(model, new LoraTrainingTarget(adapter), sft).Train(examples, output, resume: true,
            p => ReportTraining("lora", p, log), cancellationToken);
    }

    private ModelLoadOptions TrainingLoad() => new() { DType = options.TrainInBFloat16 ? TorchSharp.torch.ScalarType.BFloat16 : TorchSharp.torch.ScalarType.Float32 };

    private EvaluationReport Evaluate(string modelFolder, string? originalFolder, string test, string output, bool baselines,
        IProgress<string> log, CancellationToken cancellationToken)
    {
        var evaluation = new EvaluationOptions
        {
            Ratios = CompressionRatio.TrainingRatios,
            IncludeBaselines = baselines,
            MaxNewTokens = 300,
            BatchSize = options.GenerationBatchSize,
            LatencySamples = options.LatencySamples,
        }.Validate();
        var dataset = EvaluationDataset.Load(test);
        var store = EvaluationStore.Open(output, new EvaluationRunInfo(Path.GetFullPath(test), Path.GetFullPath(modelFolder), evaluation.MaxNewTokens));
        using var model = EvaluationEngine(modelFolder, dataset, evaluation);
        using var original = originalFolder is null ? null : EvaluationEngine(originalFolder, dataset, evaluation);
        var clock = Stopwatch.StartNew();
        var report = new EvaluationRunner(model, evaluation, originalModel: original).Run(dataset, store, cancellationToken: cancellationToken)
            with { Dataset = string.Create(CultureInfo.InvariantCulture, $"synthetic word problems (seed {options.TestSeed})") };
        EvaluationReportWriter.Write(output, report);
        // A rerun finds the samples stored and takes seconds: keep the time of the run that generated them.
        if (!_timings.ContainsKey(Path.GetFileName(output)))
        {
            Record(Path.GetFileName(output), clock.Elapsed.TotalSeconds);
        }
        log.Report($"{Path.GetFileName(output)}:\n{EvaluationMarkdown.Render(report)}");
        return report;
    }

    private static LocalGenerationEngine EvaluationEngine(string folder, EvaluationDataset dataset, EvaluationOptions evaluation)
    {
        var bundle = ModelBundle.Load(folder);
        return StageEngine.Create(bundle, evaluation.BatchSize, evaluation.MaxNewTokens,
            EvaluationRunner.PromptsFor(dataset.Samples, evaluation, bundle.Family));
    }

    // One table and plot for the README: the TokenSkip model with its baselines, and the ablation's TokenSkip rows.
    private static EvaluationReport Combine(EvaluationReport report, EvaluationReport ablation) => report with
    {
        Results = [.. report.Results, .. ablation.Results.Where(r => r.Method is null).Select(r => r with { Method = EvaluationMethod.RandomDropping })],
    };

    private void Publish(EvaluationReport report, IProgress<string> log)
    {
        var merged = Work($"merged-{SurprisalScorer.ScorerName}");
        Directory.CreateDirectory(options.OutputFolder);
        foreach (var file in new[] { "config.json", CheckpointWeights.SingleFileName })
        {
            File.Copy(Path.Combine(merged, file), Path.Combine(options.OutputFolder, file), overwrite: true);
        }

        TokenizerFiles.Copy(merged, options.OutputFolder);
        var tokenSkipRows = report.Results.Where(r => r.Method is null).ToList();
        new ModelCard
        {
            Description = "A small Qwen2 TokenSkip model trained from scratch on synthetic GSM8K-style problems by TokenSkip.Agents' own pipeline (scripts/build-default-model.sh).",
            DefaultRatio = 1.0,

            // Trained on bare questions only: any instruction text costs it accuracy (trial on 100 held-out problems:
            // omitted 89%, replacing the system prompt 64%, after it 47%, before the question 17%), so it is left out
            // and the response says so (instructions_placement: omit).
            Instructions = Core.Turns.InstructionPlacements.ToName(Core.Turns.InstructionPlacement.Omit),

            // Never trained on tools: a tool description took it from 4 of 5 correct answers to 0 of 5.
            CallsTools = false,
            Calibration = tokenSkipRows.Select(r => new RatioCalibration(r.Gamma, r.ActualRatio ?? r.Gamma, r.Accuracy, r.MeanCotTokens)).ToArray(),
            Evaluation = new Dictionary<string, string>
            {
                ["data"] = "synthetic word problems, seed " + options.TestSeed.ToString(CultureInfo.InvariantCulture),
                ["samples"] = tokenSkipRows[0].Samples.ToString(CultureInfo.InvariantCulture),
                ["max_new_tokens"] = report.MaxNewTokens.ToString(CultureInfo.InvariantCulture),
            },
        }.Save(options.OutputFolder);
        log.Report($"published {options.OutputFolder}");
    }

    private void Step(string name, IProgress<string> log, Action action)
    {
        var marker = Work(".done", name);
        if (File.Exists(marker))
        {
            log.Report($"[{name}] done earlier, skipped");
            return;
        }

        log.Report($"[{name}] ...");
        var clock = Stopwatch.StartNew();
        action();
        Record(name, clock.Elapsed.TotalSeconds);
        Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
        File.WriteAllText(marker, DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        log.Report(string.Create(CultureInfo.InvariantCulture, $"[{name}] done in {clock.Elapsed.TotalSeconds:F0} s"));
    }

    private static void ReportTraining(string name, TrainingProgress p, IProgress<string> log)
    {
        if (p.Step == 1 || p.Step % 50 == 0 || p.Step == p.TotalSteps)
        {
            log.Report(string.Create(CultureInfo.InvariantCulture,
                $"{name} step {p.Step}/{p.TotalSteps} loss {p.Loss:F4} lr {p.LearningRate:0.###e+00} {p.TokensPerSecond:F0} tokens/s"));
        }
    }

    private void LoadTimings()
    {
        var path = Work(TimingsFileName);
        if (File.Exists(path))
        {
            foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(path)) ?? [])
            {
                _timings[key] = value;
            }
        }
    }

    private void Record(string name, double seconds)
    {
        lock (_timings)
        {
            _timings[name] = Math.Round(seconds, 1);
            AtomicFile.WriteAllText(Work(TimingsFileName), JsonSerializer.Serialize(_timings, new JsonSerializerOptions { WriteIndented = true }));
        }
    }
}
