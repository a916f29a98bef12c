using System.CommandLine;
using TokenSkip.Cli.Infrastructure;
using TokenSkip.Core.Engine;
using TokenSkip.Core.IO;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Loading;
using TokenSkip.Models.Runtime;
using TokenSkip.Pipeline.Evaluation;
using TokenSkip.Pipeline.Generation;

namespace TokenSkip.Cli.Commands;

/// <summary>
/// <c>tokenskip eval</c>: evaluates a model on a GSM8K or MATH-500 jsonl at several compression ratios (and the
/// original/truncation baselines), writing per-sample rows as they finish and results.json/.md/.png at the end;
/// with <c>--replot REPORT.json</c>, redraws a finished report's results.png without running a model.
/// </summary>
internal static class EvalCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new ModelOptions();
        var remote = new RemoteOptions();
        var data = new Option<string?>("--data", "-d") { Description = "Benchmark jsonl: GSM8K layout {question, answer} or MATH-500 layout {problem, answer} (required unless --replot)." };
        var datasetName = new Option<string?>("--dataset-name") { Description = "The dataset's name in results.json, the table and the plot title (default: the data file's name without extension; the layout only names the record format)." };
        var replot = new Option<string?>("--replot") { Description = "Redraw results.png into --output from this results.json (no model runs; --dataset-name renames its dataset)." };
        var ratios = new Option<string>("--ratios") { Description = "Compression ratios to evaluate, comma-separated.", DefaultValueFactory = _ => "1.0,0.9,0.8,0.7,0.6,0.5" };
        var limit = new Option<int?>("--limit") { Description = "Evaluate only the first N rows." };
        var baselines = new Option<bool>("--baselines") { Description = "Also run the baselines: the original model (γ=1 prompt) and truncation (max tokens = γ × the original's length)." };
        var output = new Option<string>("--output", "-o") { Description = "Folder for results.json, results.md, results.png and the per-sample rows (rerun to resume).", Required = true };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Most tokens to generate per sample.", DefaultValueFactory = _ => 512 };
        var batchSize = new Option<int>("--batch-size") { Description = "Batch size of the throughput measurement (1: no extra pass); in process, also the samples past --latency-samples decoded together (with --endpoint: --concurrency).", DefaultValueFactory = _ => 8 };
        var latencySamples = new Option<int?>("--latency-samples") { Description = "Time only the first N samples alone (batch 1); generate the rest in batches of --batch-size (much faster; accuracy unchanged under greedy decoding). Default: all." };
        var original = new Option<string?>("--original-model") { Description = "The model before TokenSkip training (e.g. the base of a merged adapter) for the original and truncation baselines; default: --model with the γ=1 prompt." };

        var command = new Command("eval", "Evaluate accuracy, CoT tokens, actual ratio, latency and throughput against γ on a GSM8K or MATH-500 jsonl.");
        model.AddTo(command);
        remote.AddTo(command);
        foreach (var option in new Option[] { data, datasetName, replot, ratios, limit, baselines, output, maxTokens, batchSize, latencySamples, original })
        {
            command.Options.Add(option);
        }

        // The work runs off the invocation thread: System.CommandLine answers Ctrl-C by cancelling the token and
        // waiting for the action's task, which must therefore be pending (a synchronous action is killed outright).
        command.SetAction((parse, cancellationToken) => Task.Run(() =>
        {
            if (parse.GetValue(replot) is { } reportPath)
            {
                return Replot(console, reportPath, parse.GetValue(datasetName), parse.GetValue(output)!);
            }

            var dataPath = parse.GetValue(data) ?? throw new ArgumentException("--data is required (or --replot REPORT.json)");
            remote.RequireEndpointFor(parse);
            var isRemote = remote.IsRemote(parse);
            if (isRemote && parse.GetValue(original) is not null)
            {
                throw new ArgumentException("--original-model runs in process: with --endpoint, evaluate the original model in a run of its own");
            }

            CheckDatasetName(parse.GetValue(datasetName));
            var options = new EvaluationOptions
            {
                Ratios = RatioList.Parse("--ratios", parse.GetValue(ratios)!),
                IncludeBaselines = parse.GetValue(baselines),
                MaxNewTokens = parse.GetValue(maxTokens),
                BatchSize = parse.GetValue(batchSize),
                LatencySamples = parse.GetValue(latencySamples),
                Concurrency = isRemote ? remote.ConcurrencyOf(parse) : null,
            }.Validate();
            if (parse.GetValue(limit) is < 1)
            {
                throw new ArgumentException("--limit must be at least 1");
            }

            var dataset = EvaluationDataset.Load(dataPath, parse.GetValue(limit));
            var name = parse.GetValue(datasetName) ?? EvaluationReport.NameOfDataFile(dataset.Path);
            // With --endpoint, --model is optional (its config and tokenizer only); the run is recorded under it when given,
            // so a run started in process resumes on replicas, else under the served model's name.
            var folder = isRemote ? parse.GetValue(model.Model) : model.Folder(parse);
            var outputFolder = parse.GetValue(output)!;
            using var remoteEngine = isRemote ? remote.CreateEngine(parse, folder) : null;
            var modelName = folder is null ? remoteEngine!.Info.ModelId : Path.GetFullPath(folder);
            var store = EvaluationStore.Open(outputFolder, new EvaluationRunInfo(Path.GetFullPath(dataset.Path), modelName, options.MaxNewTokens));

            var load = isRemote ? null : model.Read(parse);
            using var localEngine = isRemote ? null : EngineFor(folder!, load!, dataset, options);
            IGenerationEngine engine = (IGenerationEngine?)remoteEngine ?? localEngine!;
            var originalFolder = parse.GetValue(original);
            using var originalEngine = originalFolder is null ? null : EngineFor(originalFolder, load!, dataset, options);
            var runner = new EvaluationRunner(engine, options, originalModel: originalEngine);
            console.Error.WriteLine($"evaluating {dataset.Samples.Count} samples of {name} ({dataset.LayoutName} layout) from {dataset.Path} at γ = {string.Join(", ", options.Ratios)}{(options.IncludeBaselines ? " with baselines" : string.Empty)}");
            EvaluationReport report;
            try
            {
                report = EvaluationProgressDisplay.Run(console, progress => runner.Run(dataset, store, progress, cancellationToken)) with { Dataset = name };
            }
            catch (OperationCanceledException)
            {
                console.Error.WriteLine($"stopped: finished samples are kept in {Path.Combine(outputFolder, EvaluationStore.SamplesFileName)}; rerun the same command to resume");
                throw;
            }

            EvaluationReportWriter.Write(outputFolder, report);
            console.Out.Write(EvaluationMarkdown.Render(report));
            console.Error.WriteLine($"wrote {Path.Combine(outputFolder, EvaluationReportWriter.JsonFileName)}, {EvaluationReportWriter.MarkdownFileName} and {EvaluationReportWriter.PlotFileName}");
            return 0;
        }, CancellationToken.None));
        return command;
    }

    private static LocalGenerationEngine EngineFor(string folder, ModelLoadOptions load, EvaluationDataset dataset, EvaluationOptions options)
    {
        var bundle = ModelBundle.Load(folder, new ModelBundleOptions { Load = load });
        return StageEngine.Create(bundle, options.BatchSize, options.MaxNewTokens, EvaluationRunner.PromptsFor(dataset.Samples, options, bundle.Family));
    }

    // Redraws a finished report's plot (e.g. docs/results.png from docs/results.json) after a change to the plot.
    private static int Replot(CliConsole console, string reportPath, string? datasetName, string outputFolder)
    {
        CheckDatasetName(datasetName);
        var report = EvaluationReportReader.Read(reportPath);
        report = datasetName is null ? report : report with { Dataset = datasetName };
        Directory.CreateDirectory(outputFolder);
        var path = Path.Combine(outputFolder, EvaluationReportWriter.PlotFileName);
        var png = EvaluationPlot.RenderPng(report);
        AtomicFile.Write(path, stream => stream.Write(png));
        console.Error.WriteLine($"wrote {path}: {EvaluationPlot.Title(report)}");
        return 0;
    }

    private static void CheckDatasetName(string? name)
    {
        if (name is not null && string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("--dataset-name is empty");
        }
    }
}
