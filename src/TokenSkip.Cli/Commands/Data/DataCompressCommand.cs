using System.CommandLine;
using TokenSkip.Cli.Infrastructure;
using TokenSkip.Core;
using TokenSkip.Core.IO;
using TokenSkip.Models.Compression;
using TokenSkip.Pipeline.Data;
using TokenSkip.Pipeline.Stages;

namespace TokenSkip.Cli.Commands.Data;

/// <summary><c>tokenskip data compress</c>: compress every filtered CoT at each γ (resumable).</summary>
internal static class DataCompressCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new ModelOptions();
        model.Model.Description = "Target model folder: its tokenizer measures ratios; with --scorer surprisal it is also the scoring LM.";
        var scoring = new ScorerOptions();
        var input = new Option<string>("--input", "-i") { Description = "Filtered jsonl from 'data filter'.", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Compressed jsonl (one line per id and γ; resumed when it exists).", Required = true };
        var ratios = new Option<string>("--ratios") { Description = "Ratios to compress to.", DefaultValueFactory = _ => "0.9,0.8,0.7,0.6,0.5" };
        var batch = new Option<int>("--batch-size") { Description = "CoTs scored together.", DefaultValueFactory = _ => 16 };
        var command = new Command("compress", "Stage 3: prune every CoT to each γ by token importance (the answer line is never compressed).")
        {
            input, output, ratios, batch,
        };
        model.AddTo(command);
        scoring.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var gammas = RatioList.Parse("--ratios", parse.GetValue(ratios)!);
            var options = scoring.Pruning(parse);
            scoring.Check(parse);
            var records = JsonLines.Read<FilteredRecord>(parse.GetValue(input)!).ToList();
            var (scorer, target) = scoring.Create(parse, model.Folder(parse), model.Read(parse));
            using var scorerLifetime = scorer;
            var stage = new CompressionStage(new CotCompressor(scorer, target, options, scoring.Measure(parse)), gammas, parse.GetValue(batch));
            var path = parse.GetValue(output)!;
            var written = stage.Run(records, path, console.Progress(), cancellationToken);
            var all = JsonLines.Read<CompressedRecord>(path).ToList();
            foreach (var group in all.GroupBy(r => r.Gamma).OrderByDescending(g => g.Key))
            {
                console.Error.WriteLine($"γ={new CompressionRatio(group.Key)}: mean actual ratio {group.Average(r => r.ActualRatio):F3} over {group.Count()} CoTs");
            }

            console.Error.WriteLine($"{written} new results written to {path}");
            return Task.FromResult(0);
        });
        return command;
    }
}
