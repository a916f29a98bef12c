using System.CommandLine;
using TokenSkip.Cli.Infrastructure;
using TokenSkip.Core.IO;
using TokenSkip.Pipeline.Synthetic;

namespace TokenSkip.Cli.Commands.Data;

/// <summary><c>tokenskip data synth</c>: seeded GSM8K-style word problems with verbose CoTs.</summary>
internal static class DataSynthCommand
{
    private sealed record QuestionOnly(string Question);

    public static Command Create(CliConsole console)
    {
        var seed = new Option<int>("--seed") { Description = "Random seed (train and test sets must use different seeds).", Required = true };
        var count = new Option<int>("--count") { Description = "Number of problems.", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Output jsonl (GSM8K layout: question, cot, answer); written atomically.", Required = true };
        var largest = new Option<int>("--max-number") { Description = "Largest operand or result any step may have.", DefaultValueFactory = _ => WordProblemGenerator.DefaultLargestNumber };
        var exclude = new Option<string[]>("--exclude") { Description = "jsonl file(s) whose questions must not appear (e.g. the training set when making a test set)." };
        var command = new Command("synth", "Generate synthetic GSM8K-style word problems (2 to 4 steps, +, -, ×, ÷, exact integers).")
        {
            seed, count, output, exclude, largest,
        };
        command.SetAction(parse =>
        {
            var n = parse.GetValue(count);
            if (n < 1)
            {
                throw new ArgumentException($"--count must be at least 1; got {n}");
            }

            var excluded = (parse.GetValue(exclude) ?? [])
                .SelectMany(path => JsonLines.Read<QuestionOnly>(path).Select(q => q.Question))
                .ToHashSet(StringComparer.Ordinal);
            var path = parse.GetValue(output)!;
            JsonLines.WriteAll(path, WordProblemGenerator.Generate(parse.GetValue(seed), n, excluded, parse.GetValue(largest)));
            console.Error.WriteLine($"wrote {n} problems to {path}{(excluded.Count > 0 ? $" (none of the {excluded.Count} excluded questions)" : string.Empty)}");
            return 0;
        });
        return command;
    }
}
