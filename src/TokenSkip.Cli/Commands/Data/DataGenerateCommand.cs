using System.CommandLine;
using TokenSkip.Cli.Infrastructure;
using TokenSkip.Models.Loading;
using TokenSkip.Pipeline.Data;
using TokenSkip.Pipeline.Generation;
using TokenSkip.Pipeline.Stages;

namespace TokenSkip.Cli.Commands.Data;

/// <summary><c>tokenskip data generate</c>: the target model's own CoTs on the training questions (resumable).</summary>
internal static class DataGenerateCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new ModelOptions();
        var data = new Option<string>("--data") { Description = "Questions: jsonl in GSM8K layout (question, answer) or MATH layout (problem, answer).", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Trajectories jsonl; appended as answers finish, resumed when it exists.", Required = true };
        var batch = new Option<int>("--batch-size") { Description = "Questions decoded together.", DefaultValueFactory = _ => 8 };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Most tokens per answer.", DefaultValueFactory = _ => 512 };
        var limit = new Option<int?>("--limit") { Description = "Use only the first N questions." };
        var command = new Command("generate", "Stage 1: answer every training question with the target model (greedy, TokenSkip prompt at γ=1).")
        {
            data, output, batch, maxTokens, limit,
        };
        model.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var problems = ProblemSet.Load(parse.GetValue(data)!, parse.GetValue(limit));
            var folder = model.Folder(parse);
            var options = new TrajectoryOptions
            {
                BatchSize = parse.GetValue(batch),
                MaxNewTokens = parse.GetValue(maxTokens),
            };
            if (options.BatchSize < 1)
            {
                throw new ArgumentException($"--batch-size must be at least 1; got {options.BatchSize}");
            }

            var bundle = ModelBundle.Load(folder, new ModelBundleOptions { Load = model.Read(parse) });
            using var engine = StageEngine.Create(bundle, options.BatchSize, options.MaxNewTokens, TrajectoryStage.PromptsFor(problems, options, bundle.Family));
            var stage = new TrajectoryStage(engine, options, folder);
            var path = parse.GetValue(output)!;
            var written = stage.Run(problems, path, console.Progress(), cancellationToken);
            console.Error.WriteLine($"{written} new trajectories written to {path} ({problems.Count} questions)");
            return Task.FromResult(0);
        });
        return command;
    }
}
