using System.CommandLine;
using TokenSkip.Cli.Infrastructure;
using TokenSkip.Pipeline.Recipes;

namespace TokenSkip.Cli.Commands;

/// <summary><c>tokenskip build-default-model</c>: reproduce the embedded default model with the project's own pipeline.</summary>
internal static class BuildDefaultModelCommand
{
    public static Command Create(CliConsole console)
    {
        var defaults = new DefaultModelRecipeOptions { WorkFolder = "", OutputFolder = "" };
        var work = new Option<string>("--work") { Description = "Folder for intermediate artifacts; rerun to resume.", DefaultValueFactory = _ => Path.Combine("artifacts", "default-model") };
        var output = new Option<string>("--output", "-o") { Description = "Where the final model goes.", DefaultValueFactory = _ => Path.Combine("models", "tokenskip-default") };
        var trainProblems = new Option<int>("--train-problems") { DefaultValueFactory = _ => defaults.TrainProblems, Description = "Synthetic training problems." };
        var trajectoryProblems = new Option<int>("--trajectory-problems") { DefaultValueFactory = _ => defaults.TrajectoryProblems, Description = "Training questions the base model answers for TokenSkip's data." };
        var testProblems = new Option<int>("--test-problems") { DefaultValueFactory = _ => defaults.TestProblems, Description = "Held-out test problems." };
        var hidden = new Option<int>("--hidden-size") { DefaultValueFactory = _ => defaults.HiddenSize, Description = "Model width." };
        var layers = new Option<int>("--layers") { DefaultValueFactory = _ => defaults.Layers, Description = "Decoder layers." };
        var intermediate = new Option<int>("--intermediate-size") { DefaultValueFactory = _ => defaults.IntermediateSize, Description = "MLP width." };
        var vocabulary = new Option<int>("--vocab-size") { DefaultValueFactory = _ => defaults.VocabularySize, Description = "BPE vocabulary size." };
        var baseEpochs = new Option<double>("--base-epochs") { DefaultValueFactory = _ => defaults.BaseEpochs, Description = "Base-model training epochs." };
        var baseLr = new Option<double>("--base-lr") { DefaultValueFactory = _ => defaults.BaseLearningRate, Description = "Base-model learning rate." };
        var loraLr = new Option<double>("--lora-lr") { DefaultValueFactory = _ => defaults.LoraLearningRate, Description = "LoRA learning rate." };
        var loraRank = new Option<int>("--lora-rank") { DefaultValueFactory = _ => defaults.LoraRank, Description = "LoRA rank." };
        var loraAlpha = new Option<double>("--lora-alpha") { DefaultValueFactory = _ => defaults.LoraAlpha, Description = "LoRA alpha." };
        var loraEpochs = new Option<int>("--lora-epochs") { DefaultValueFactory = _ => defaults.LoraEpochs, Description = "LoRA epochs." };
        var noAblation = new Option<bool>("--no-ablation") { Description = "Skip the random-word-dropping ablation." };
        var threads = new Option<int?>("--threads") { Description = "TorchSharp threads (default: all cores). With at most half the cores, the ablation trains beside the main model." };
        var command = new Command("build-default-model",
            "Reproduce the embedded default model: synthetic data, tokenizer, base model, TokenSkip data, LoRA, merge, evaluation, calibration.")
        {
            work, output, trainProblems, trajectoryProblems, testProblems, hidden, layers, intermediate, vocabulary, baseEpochs, baseLr, loraLr, loraRank, loraAlpha, loraEpochs, noAblation, threads,
        };
        command.SetAction((parse, cancellationToken) => Task.Run(() =>
        {
            var options = defaults with
            {
                WorkFolder = Path.GetFullPath(parse.GetValue(work)!),
                OutputFolder = Path.GetFullPath(parse.GetValue(output)!),
                TrainProblems = parse.GetValue(trainProblems),
                TrajectoryProblems = parse.GetValue(trajectoryProblems),
                TestProblems = parse.GetValue(testProblems),
                HiddenSize = parse.GetValue(hidden),
                Layers = parse.GetValue(layers),
                IntermediateSize = parse.GetValue(intermediate),
                VocabularySize = parse.GetValue(vocabulary),
                BaseEpochs = parse.GetValue(baseEpochs),
                BaseLearningRate = parse.GetValue(baseLr),
                LoraLearningRate = parse.GetValue(loraLr),
                LoraEpochs = parse.GetValue(loraEpochs),
                LoraRank = parse.GetValue(loraRank),
                LoraAlpha = parse.GetValue(loraAlpha),
                Ablation = !parse.GetValue(noAblation),
                // Two branches side by side only when each can have its own cores.
                ParallelBranches = parse.GetValue(threads) is { } t && 2 * Math.Max(1, t) <= Environment.ProcessorCount,
            };
            if (parse.GetValue(threads) is { } count)
            {
                TorchSharp.torch.set_num_threads(Math.Max(1, count));
            }

            var log = new SynchronousLog(console.Error);
            new DefaultModelRecipe(options).Run(log, console.Progress(), cancellationToken);
            return 0;
        }, CancellationToken.None));
        return command;
    }
}
