using System.CommandLine;
using System.Globalization;
using TokenSkip.Cli.Infrastructure;
using TokenSkip.Core.Prompts;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Loading;
using TokenSkip.Models.Lora;
using TokenSkip.Models.Training;
using TorchSharp;

namespace TokenSkip.Cli.Commands;

/// <summary>
/// <c>tokenskip train</c>: supervised fine-tuning on JSON Lines data (Alpaca or chat records), producing a PEFT LoRA
/// adapter (default) or, with <c>--full</c>, a fully fine-tuned model folder. Defaults are TokenSkip's recipe.
/// </summary>
internal static class TrainCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new ModelOptions(forInference: false);
        var data = new Option<string>("--data") { Description = "Training data: JSON Lines of {instruction,input,output} or {messages:[...]} records (or one JSON array of them).", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Output folder: the PEFT adapter (or, with --full, the model), and checkpoint-N/ folders.", Required = true };
        var full = new Option<bool>("--full") { Description = "Train all weights of the model instead of a LoRA adapter." };
        var rank = new Option<int>("--lora-rank") { Description = "LoRA rank r.", DefaultValueFactory = _ => 8 };
        var alpha = new Option<double>("--lora-alpha") { Description = "LoRA alpha (scaling α/r).", DefaultValueFactory = _ => 16 };
        var dropout = new Option<double>("--lora-dropout") { Description = "Dropout on the LoRA branch.", DefaultValueFactory = _ => 0 };
        var targets = new Option<string>("--target-modules")
        {
            Description = "Comma-separated module names (suffix match), or a regular expression matching whole module names.",
            DefaultValueFactory = _ => string.Join(",", LoraConfig.AllLinearProjections),
        };
        var rslora = new Option<bool>("--use-rslora") { Description = "Scale LoRA by α/√r (rank-stabilised LoRA)." };
        var modulesToSave = new Option<string[]>("--modules-to-save") { Description = "Module trained and saved in full besides LoRA (repeatable), e.g. lm_head." };
        var learningRate = new Option<double>("--learning-rate", "--lr") { Description = "Peak learning rate.", DefaultValueFactory = _ => 5e-5 };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the data.", DefaultValueFactory = _ => 3 };
        var warmup = new Option<double>("--warmup-ratio") { Description = "Fraction of steps warming up linearly before the cosine decay.", DefaultValueFactory = _ => 0.1 };
        var batch = new Option<int>("--batch-size") { Description = "Effective batch (examples per optimizer step).", DefaultValueFactory = _ => 8 };
        var micro = new Option<int>("--micro-batch-size") { Description = "Examples per forward pass; gradients accumulate up to --batch-size.", DefaultValueFactory = _ => 1 };
        var maxLength = new Option<int>("--max-length") { Description = "Longest sequence in tokens (longer completions are cut).", DefaultValueFactory = _ => 2048 };
        var packing = new Option<bool>("--packing") { Description = "Pack several examples per row instead of padding." };
        var weightDecay = new Option<double>("--weight-decay") { Description = "AdamW weight decay.", DefaultValueFactory = _ => 0 };
        var maxGradNorm = new Option<double>("--max-grad-norm") { Description = "Clip the gradient norm (0 disables).", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<int>("--seed") { Description = "Seed for initialisation, data order and dropout.", DefaultValueFactory = _ => 42 };
        var maxSteps = new Option<int?>("--max-steps") { Description = "Stop after this many optimizer steps (smoke runs; the schedule spans them)." };
        var saveSteps = new Option<int>("--save-steps") { Description = "Write a resumable checkpoint every N steps (0: only at the end).", DefaultValueFactory = _ => 500 };
        var saveLimit = new Option<int>("--save-total-limit") { Description = "Checkpoints to keep.", DefaultValueFactory = _ => 2 };
        var resume = new Option<bool>("--resume") { Description = "Continue from the newest checkpoint in --output (starts fresh when there is none)." };
        var logSteps = new Option<int>("--log-steps") { Description = "Print progress every N steps.", DefaultValueFactory = _ => 10 };

        var command = new Command("train", "Fine-tune a local Qwen2/Llama checkpoint on SFT data: a PEFT LoRA adapter by default, all weights with --full.");
        model.AddTo(command);
        foreach (var option in new Option[]
                 {
                     data, output, full, rank, alpha, dropout, targets, rslora, modulesToSave, learningRate, epochs, warmup, batch, micro,
                     maxLength, packing, weightDecay, maxGradNorm, seed, maxSteps, saveSteps, saveLimit, resume, logSteps,
                 })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, cancellationToken) =>
        {
            // Cheap checks first: options and files, before the model is loaded.
            var folder = model.Folder(parse);
            var dataPath = parse.GetValue(data)!;
            var outputFolder = parse.GetValue(output)!;
            var trainAll = parse.GetValue(full);
            var options = new SftOptions
            {
                LearningRate = parse.GetValue(learningRate),
                Epochs = parse.GetValue(epochs),
                WarmupRatio = parse.GetValue(warmup),
                BatchSize = parse.GetValue(batch),
                MicroBatchSize = parse.GetValue(micro),
                MaxLength = parse.GetValue(maxLength),
                Batching = parse.GetValue(packing) ? BatchingMode.Packing : BatchingMode.Padding,
                WeightDecay = parse.GetValue(weightDecay),
                MaxGradNorm = parse.GetValue(maxGradNorm),
                Seed = parse.GetValue(seed),
                MaxSteps = parse.GetValue(maxSteps),
                SaveSteps = parse.GetValue(saveSteps),
                SaveTotalLimit = parse.GetValue(saveLimit),
            }.Validate();
            var loraConfig = new LoraConfig
            {
                Rank = parse.GetValue(rank),
                Alpha = parse.GetValue(alpha),
                Dropout = parse.GetValue(dropout),
                UseRslora = parse.GetValue(rslora),
                TargetModules = ParseTargets(parse.GetValue(targets)!),
                ModulesToSave = parse.GetValue(modulesToSave) ?? [],
                BaseModelNameOrPath = folder,
            }.Validate();
            var every = Math.Max(1, parse.GetValue(logSteps));
            if (!File.Exists(dataPath))
            {
                throw new FileNotFoundException($"{dataPath}: data file not found");
            }

            using var bundle = ModelBundle.Load(folder, new ModelBundleOptions { Load = model.Read(parse) });
            var (family, tokenizer, lm) = (bundle.Family, bundle.Tokenizer, bundle.Model);
            var samples = SftDataFile.Read(dataPath, family);
            var endOfTurn = SftSampleRenderer.EndOfTurn(family);
            if (!tokenizer.TryGetTokenId(endOfTurn, out var endId))
            {
                throw new ArgumentException($"{folder}: the tokenizer has no {endOfTurn} token, which ends every {family} completion");
            }

            var examples = samples.Select(s => TrainingExample.Encode(s, tokenizer)).ToList();
            options = options with { PadTokenId = endId };

            using var adapter = trainAll ? null : LoraAdapter.Create(lm, loraConfig, options.Seed);
            ITrainingTarget target = adapter is null ? new FullTrainingTarget(lm) : new LoraTrainingTarget(adapter);
            console.Error.WriteLine(
                $"training {(adapter is null ? "all weights" : $"LoRA r={loraConfig.Rank} alpha={Number(loraConfig.Alpha)} on {adapter.Layers.Count} projections")} " +
                $"({target.Parameters.Sum(p => p.Value.numel()):N0} parameters) on {examples.Count} examples from {dataPath}");

            var result = new SftTrainer(lm, target, options).Train(examples, outputFolder, parse.GetValue(resume),
                progress => Report(console, progress, every), cancellationToken);
            if (adapter is null)
            {
                TokenizerFiles.Copy(folder, outputFolder);
            }

            var resumed = result.ResumedFromStep is { } from ? $", resumed from step {from}" : string.Empty;
            var dropped = result.DroppedExamples > 0 ? $", {result.DroppedExamples} examples skipped (no completion token within --max-length)" : string.Empty;
            console.Out.WriteLine(
                $"{(adapter is null ? "model" : "adapter")} written to {outputFolder} ({result.Steps} steps{resumed}, final loss {Number(result.FinalLoss)}{dropped})");
            return Task.FromResult(0);
        });
        return command;
    }

    private static LoraModuleSelector ParseTargets(string text)
    {
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var isNameList = names.Length > 0 && names.All(n => n.All(c => char.IsLetterOrDigit(c) || c is '_' or '.'));
        try
        {
            return isNameList ? LoraModuleSelector.FromNames(names) : LoraModuleSelector.FromPattern(text);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"--target-modules: {e.Message.Replace(" (Parameter 'pattern')", string.Empty, StringComparison.Ordinal)}", e);
        }
    }

    private static void Report(CliConsole console, TrainingProgress progress, int every)
    {
        if (progress.Step == 1 || progress.Step % every == 0 || progress.Step == progress.TotalSteps)
        {
            console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"step {progress.Step}/{progress.TotalSteps}  epoch {progress.Epoch:F2}  loss {progress.Loss:F4}  lr {progress.LearningRate:0.###e+00}  " +
                $"grad {progress.GradNorm:F3}  tokens/s {progress.TokensPerSecond:F0}  elapsed {progress.Elapsed:hh\\:mm\\:ss}"));
        }

        if (progress.Checkpoint is { } checkpoint)
        {
            console.Error.WriteLine($"checkpoint: {checkpoint}");
        }
    }

    private static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
