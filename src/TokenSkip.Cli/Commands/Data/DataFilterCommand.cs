using System.CommandLine;
using TokenSkip.Cli.Infrastructure;
using TokenSkip.Core.IO;
using TokenSkip.Models;
using TokenSkip.Models.Loading;
using TokenSkip.Pipeline.Data;
using TokenSkip.Pipeline.Stages;

namespace TokenSkip.Cli.Commands.Data;

/// <summary><c>tokenskip data filter</c>: keep correct, short-enough trajectories.</summary>
internal static class DataFilterCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new Option<string?>("--model", "-m") { Description = "Target model folder (its tokenizer counts CoT tokens); default: the embedded model." };
        var input = new Option<string>("--input", "-i") { Description = "Trajectories jsonl from 'data generate'.", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Filtered jsonl (written atomically).", Required = true };
        var maxTokens = new Option<int>("--max-cot-tokens") { Description = "Drop CoTs longer than this many target tokens.", DefaultValueFactory = _ => 500 };
        var allowTruncated = new Option<bool>("--allow-truncated") { Description = "Keep correct answers that hit the token limit." };
        var command = new Command("filter", "Stage 2: keep trajectories whose answer is correct and whose CoT is short enough.")
        {
            model, input, output, maxTokens, allowTruncated,
        };
        command.SetAction(parse =>
        {
            var inputPath = parse.GetValue(input)!;
            var trajectories = JsonLines.Read<TrajectoryRecord>(inputPath).ToList();
            var folder = parse.GetValue(model) ?? DefaultModel.Require();
            var tokenizer = ModelBundle.LoadTokenizer(folder);
            var summary = FilterStage.Run(trajectories, tokenizer, parse.GetValue(output)!,
                new FilterOptions { MaxCotTokens = parse.GetValue(maxTokens), RequireStop = !parse.GetValue(allowTruncated) }, [inputPath]);
            console.Error.WriteLine(
                $"kept {summary.Kept} of {summary.Total} (accuracy {summary.Accuracy:P1}; dropped {summary.Incorrect} incorrect, {summary.Truncated} truncated, {summary.TooLong} too long)");
            return 0;
        });
        return command;
    }
}
