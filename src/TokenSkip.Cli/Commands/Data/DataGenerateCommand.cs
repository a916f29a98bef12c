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
        var remote = new RemoteOptions();
        var data = new Option<string>("--data") { Description = "Questions: jsonl in GSM8K layout (question, answer) or MATH layout (problem, answer).", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Trajectories jsonl; appended as answers finish, resumed when it exists.", Required = true };
        var batch = new Option<int>("--batch-size") { Description = "Questions decoded together (with --endpoint: --concurrency).", DefaultValueFactory = _ => 8 };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Most tokens per answer.", DefaultValueFactory = _ => 512 };
        var limit = new Option<int?>("--limit") { Description = "Use only the first N questions." };
        var command = new Command("generate", "Stage 1: answer every training question with the target model (greedy, TokenSkip prompt at γ=1), in process or on --endpoint replicas.")
        {
            data, output, batch, maxTokens, limit,
        };
        model.AddTo(command);
        remote.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            remote.RequireEndpointFor(parse);
            var problems = ProblemSet.Load(parse.GetValue(data)!, parse.GetValue(limit));
            var options = new TrajectoryOptions
            {
                BatchSize = remote.IsRemote(parse) ? remote.ConcurrencyOf(parse) : parse.GetValue(batch),
                MaxNewTokens = parse.GetValue(maxTokens),
            };
            if (options.BatchSize < 1)
            {
                throw new ArgumentException($"--batch-size must be at least 1; got {options.BatchSize}");
            }

            var path = parse.GetValue(output)!;
            int written;
            if (remote.IsRemote(parse))
            {
                // The provenance names --model when given, so a run started in process resumes on replicas (and back).
                var folder = parse.GetValue(model.Model);
                using var engine = remote.CreateEngine(parse, folder);
                written = new TrajectoryStage(engine, options, folder).Run(problems, path, console.Progress(), cancellationToken);
            }
            else
            {
                var folder = model.Folder(parse);
                var bundle = ModelBundle.Load(folder, new ModelBundleOptions { Load = model.Read(parse) });
                using var engine = StageEngine.Create(bundle, options.BatchSize, options.MaxNewTokens, TrajectoryStage.PromptsFor(problems, options, bundle.Family));
                written = new TrajectoryStage(engine, options, folder).Run(problems, path, console.Progress(), cancellationToken);
            }

            console.Error.WriteLine($"{written} new trajectories written to {path} ({problems.Count} questions)");
            return Task.FromResult(0);
        });
        return command;
    }
}
