using TokenSkip.Core.Compression;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using TokenSkip.Cli.Infrastructure;
using TokenSkip.Core;
using TokenSkip.Core.Answers;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Text;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Loading;
using TokenSkip.Pipeline.Synthetic;

namespace TokenSkip.Cli.Commands;

/// <summary>
/// <c>tokenskip demo</c>: draws fresh word problems, answers each with the embedded TokenSkip model at several γ, and
/// prints γ, CoT tokens, latency and correctness per answer, then a summary per γ.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new ModelOptions();
        var problems = new Option<int>("--problems", "-n") { Description = "How many fresh problems to draw.", DefaultValueFactory = _ => 4 };
        var ratios = new Option<string>("--ratios") { Description = "Compression ratios to answer at.", DefaultValueFactory = _ => "1.0,0.8,0.6,0.5" };
        var seed = new Option<int?>("--seed") { Description = "Seed of the problem draw (default: a new one each run, printed)." };
        var command = new Command("demo", "Answer fresh word problems with the embedded TokenSkip model at several γ and compare tokens, latency and accuracy.")
        {
            problems, ratios, seed,
        };
        model.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var gammas = RatioList.Parse("--ratios", parse.GetValue(ratios)!);
            var count = Math.Max(1, parse.GetValue(problems));
            var drawSeed = parse.GetValue(seed) ?? Random.Shared.Next(1000, 1_000_000);
            var folder = model.Folder(parse);
            using var bundle = ModelBundle.Load(folder, new ModelBundleOptions { Load = model.Read(parse) });
            var (tokenizer, family) = (bundle.Tokenizer, bundle.Family);
            var generator = new TextGenerator(bundle.Model, tokenizer);
            var options = new GenerationOptions { MaxNewTokens = 300, StopTokenIds = bundle.EndOfTurnTokenIds };
            // One short untimed generation first, so the first answer's latency does not include JIT and allocator warm-up.
            generator.Generate(TokenSkipPromptBuilder.BuildPrompt(family, "warm up", CompressionRatio.Uncompressed), options with { MaxNewTokens = 2 },
                cancellationToken: cancellationToken);
            console.Out.WriteLine($"model: {folder}");
            console.Out.WriteLine($"{count} fresh problems (seed {drawSeed}), greedy, γ = {string.Join(", ", gammas)}");

            var rows = new List<DemoRow>();
            var index = 0;
            foreach (var problem in WordProblemGenerator.Generate(drawSeed, count))
            {
                index++;
                console.Out.WriteLine();
                console.Out.WriteLine($"#{index} {problem.Question}  (answer {problem.Answer})");
                foreach (var gamma in gammas)
                {
                    var row = Answer(generator, tokenizer, family, problem, gamma, options, cancellationToken);
                    rows.Add(row);
                    console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  γ={gamma,-4} {row.CotTokens,4} CoT tokens {row.LatencyMs,7:F0} ms  {(row.Correct ? "✓" : "✗")} {row.Prediction ?? "(no answer)"}"));
                    console.Out.WriteLine($"           {Shorten(row.Cot)}");
                }
            }

            console.Out.WriteLine();
            console.Out.WriteLine("summary:");
            var baseline = rows.Where(r => r.Gamma.IsUncompressed).Select(r => (double)r.CotTokens).DefaultIfEmpty(double.NaN).Average();
            foreach (var group in rows.GroupBy(r => r.Gamma))
            {
                var tokens = group.Average(r => r.CotTokens);
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  γ={group.Key,-4} accuracy {group.Count(r => r.Correct)}/{group.Count()}  mean CoT tokens {tokens,6:F1}  ratio {(double.IsNaN(baseline) ? "–" : (tokens / baseline).ToString("F2", CultureInfo.InvariantCulture))}  mean latency {group.Average(r => r.LatencyMs),6:F0} ms"));
            }

            return Task.FromResult(0);
        });
        return command;
    }

    private static DemoRow Answer(TextGenerator generator, ITextTokenizer tokenizer, ModelFamily family, WordProblem problem, CompressionRatio gamma,
        GenerationOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var result = generator.Generate(TokenSkipPromptBuilder.BuildPrompt(family, problem.Question, gamma), options, cancellationToken: cancellationToken);
        clock.Stop();
        var text = result.Text ?? string.Empty;
        var score = AnswerScorer.Score(text, problem.Answer, problem.Question);
        var cot = AnswerSuffix.Split(text).Body;
        return new DemoRow(gamma, tokenizer.Encode(cot).Count, clock.Elapsed.TotalMilliseconds, score.IsCorrect, score.Prediction, cot);
    }

    private static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ⏎ ");
        return line.Length <= 150 ? line : line[..147] + "...";
    }

    private sealed record DemoRow(CompressionRatio Gamma, int CotTokens, double LatencyMs, bool Correct, string? Prediction, string Cot);
}
