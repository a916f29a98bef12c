using System.CommandLine;
using TokenSkip.Cli.Infrastructure;
using TokenSkip.Core;
using TokenSkip.Core.IO;
using TokenSkip.Core.Prompts;
using TokenSkip.Pipeline.Data;
using TokenSkip.Pipeline.Stages;

namespace TokenSkip.Cli.Commands.Data;

/// <summary>
/// <c>tokenskip data build</c>: the mixed-γ training set in TokenSkip's Alpaca layout and as chat messages, with
/// LLaMA-Factory's dataset_info.json and a LoRA SFT config for training on GPUs elsewhere.
/// </summary>
internal static class DataBuildCommand
{
    public static Command Create(CliConsole console)
    {
        var filtered = new Option<string>("--filtered") { Description = "Filtered jsonl (the original CoTs, used for γ = 1.0).", Required = true };
        var compressed = new Option<string>("--compressed") { Description = "Compressed jsonl from 'data compress'.", Required = true };
        var output = new Option<string>("--output", "-o")
        {
            Description = "Output folder: train.alpaca.json, train.messages.jsonl, and LLaMA-Factory's dataset_info.json and tokenskip_lora_sft.yaml.",
            Required = true,
        };
        var family = new Option<string>("--family") { Description = "Prompt family of the target model: qwen2 or llama3.", DefaultValueFactory = _ => "qwen2" };
        family.AcceptOnlyFromAmong("qwen2", "llama3");
        var seed = new Option<int>("--seed") { Description = "Seed of the γ draw and the shuffle (TokenSkip uses 42).", DefaultValueFactory = _ => 42 };
        var targetModel = new Option<string?>("--target-model")
        {
            Description = "Hugging Face id of the model the LLaMA-Factory config fine-tunes (default: Qwen/Qwen2.5-7B-Instruct for qwen2, meta-llama/Llama-3.1-8B-Instruct for llama3).",
        };
        var command = new Command("build", "Stage 4: one sample per question with γ drawn uniformly from {1.0, 0.9, ..., 0.5}, plus a LLaMA-Factory LoRA SFT config.")
        {
            filtered, compressed, output, family, seed, targetModel,
        };
        command.SetAction(parse =>
        {
            var filteredPath = parse.GetValue(filtered)!;
            var compressedPath = parse.GetValue(compressed)!;
            var result = DatasetBuilder.Build(
                JsonLines.Read<FilteredRecord>(filteredPath).ToList(),
                JsonLines.Read<CompressedRecord>(compressedPath).ToList(),
                parse.GetValue(output)!,
                parse.GetValue(family) == "llama3" ? ModelFamily.Llama3 : ModelFamily.Qwen2,
                parse.GetValue(seed),
                [filteredPath, compressedPath],
                parse.GetValue(targetModel));
            var mix = string.Join(", ", result.SamplesPerRatio.OrderByDescending(p => p.Key).Select(p => $"γ={new CompressionRatio(p.Key)}: {p.Value}"));
            console.Error.WriteLine($"{result.Samples} samples ({mix}) written to {result.AlpacaPath} and {result.MessagesPath}");
            console.Error.WriteLine($"LLaMA-Factory: {result.DatasetInfoPath}; train with 'llamafactory-cli train {Path.GetFileName(result.TrainingConfigPath)}' from that folder");
            return 0;
        });
        return command;
    }
}
