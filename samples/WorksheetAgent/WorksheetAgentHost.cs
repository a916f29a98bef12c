using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using TokenSkip.Core;
using TokenSkip.Core.Budgets;
using TokenSkip.Core.Calibration;
using TokenSkip.Models;
using TokenSkip.Models.Inference;
using TokenSkip.Pipeline.Synthetic;
using TokenSkip.Plugins.Worksheets;
using TokenSkip.SemanticKernel;

namespace TokenSkip.Samples.WorksheetAgent;

/// <summary>The model, its TokenSkip chat pipeline and the planner, with the two things the sample does.</summary>
internal sealed class WorksheetAgentHost : IDisposable
{
    // Held-out problems: a seed range the training data (seeded from small numbers) does not use.
    private const int HeldOutSeedBase = 900_000;

    // Calibration questions: seeds apart from the training data and from every worksheet.
    private const int CalibrationSeedBase = 2_000_000;

    private readonly LocalGenerationEngine _engine;
    private readonly IChatClient _client;
    private readonly ModelCard? _card;
    private readonly string _folder;

    private WorksheetAgentHost(LocalGenerationEngine engine, ModelCard? card, string folder)
    {
        _engine = engine;
        _card = card;
        _folder = folder;
        // The client's turn policy plans γ for budgeted steps and learns from every step that finishes on its own.
        var options = new TokenSkipChatClientOptions { ModelCard = card };
        _client = new TokenSkipChatClient(engine, options).AsBuilder().UseTokenBudget().Build();
    }

    /// <summary>Loads <paramref name="model"/> (default: the embedded model).</summary>
    public static WorksheetAgentHost Load(string? model)
    {
        var folder = model ?? DefaultModel.Require();
        Console.Error.WriteLine($"loading {folder} ...");
        var card = ModelCard.TryLoad(folder);
        if (card is null)
        {
            Console.Error.WriteLine($"note: {folder} has no {ModelCard.FileName}; the planner starts uncalibrated (γ taken at face value, 300-token prior).");
        }

        return new WorksheetAgentHost(LocalGenerationEngine.Load(folder), card, folder);
    }

    /// <summary>Solves one worksheet under a budget, printing each step.</summary>
    public async Task<WorksheetResult> RunWorksheetAsync(int problems, int? budget, int seed, TextWriter output, CancellationToken cancellationToken)
    {
        var worksheet = Worksheet(seed, problems);
        var tokens = budget ?? DefaultBudget(Planner, worksheet, _engine.CountTokens);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"worksheet of {worksheet.Count} problems, budget {tokens} completion tokens"));

        // The run's ledger: every round trip through the pipeline's budget middleware charges it.
        using var run = TokenBudgetScope.Begin(tokens);
        var runner = new WorksheetRunner(_client);
        return await runner.RunAsync(worksheet, tokens, new PlannedPolicy(), step => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"step {step.Index}/{worksheet.Count}  γ={step.Ratio,-4}  tokens {step.TokensUsed,4} (cap {step.MaxOutputTokens,4})  budget left {step.BudgetLeft,5}  " +
            $"{(step.Correct ? "correct" : "wrong  ")}  answer {(step.Answer.Length == 0 ? "-" : step.Answer)} (expected {step.Expected}){(step.Truncated ? "  [cut off]" : string.Empty)}")),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the budget-adherence benchmark on <paramref name="count"/> worksheets of 3 to 6 held-out problems, at both
    /// budget levels (between the γ = 0.5 and γ = 1.0 costs, and tight: 0.4× to 0.6× of the γ = 1.0 cost).
    /// </summary>
    public async Task<IReadOnlyList<BenchmarkSummary>> BenchmarkAsync(int count, int seed, TextWriter output, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        var worksheets = Enumerable.Range(0, count).Select(i => Worksheet(seed * 1000 + i, random.Next(3, 7))).ToArray();
        var runner = new WorksheetRunner(_client);
        return await new BudgetBenchmark(runner).RunAsync(worksheets, seed, (i, results) => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"worksheet {i + 1}/{count}: {string.Join(" | ", results.Chunk(3).Select(round => $"budget {round[0].Budget}: " +
                string.Join("; ", round.Select(r => $"{r.Policy} {r.Correct}/{r.Steps.Count} correct, {r.TokensUsed} tokens"))))}")),
            tight: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records every trained γ on <paramref name="questions"/> training and as many held-out questions (seeds no
    /// worksheet uses), then measures the planner's expected lengths on the held-out steps, from the card and after
    /// learning from the training steps.
    /// </summary>
    /// <param name="steps">A calibration.json written by an earlier run: its steps are measured again instead of recorded.</param>
    public async Task<LengthCalibrationReport> CalibrateAsync(int questions, int seed, string? steps, TextWriter progress, CancellationToken cancellationToken)
    {
        if (steps is not null)
        {
            var recorded = JsonSerializer.Deserialize<LengthCalibrationReport>(File.ReadAllText(steps))
                ?? throw new FormatException($"{steps}: empty calibration report");
            return LengthCalibrationReport.Of(_card, recorded.Training, recorded.HeldOut);
        }

        var recorder = new StepLengthRecorder(_client, _engine.CountTokens);
        var ratios = Planner.Ratios;
        async Task<IReadOnlyList<StepLength>> Record(int seedOffset, string name) =>
            await recorder.RecordAsync(WordProblemGenerator.Generate(CalibrationSeedBase + seed * 2 + seedOffset, questions).Select(p => p.Question).ToArray(),
                ratios, seedOffset * questions, i => progress.Write(i % 10 == 9 ? $"\r{name}: {i + 1}/{questions} questions" : string.Empty),
                cancellationToken).ConfigureAwait(false);

        var training = await Record(0, "training").ConfigureAwait(false);
        progress.WriteLine();
        var heldOut = await Record(1, "held-out").ConfigureAwait(false);
        progress.WriteLine();
        return LengthCalibrationReport.Of(_card, training, heldOut);
    }

    /// <summary>Writes <paramref name="lengthModel"/> into the model folder's card (atomically); returns the card's path.</summary>
    public string WriteLengthModel(CotLengthCalibration lengthModel)
    {
        var card = (_card ?? new ModelCard()) with { LengthModel = lengthModel };
        card.Save(_folder);
        return Path.Combine(_folder, ModelCard.FileName);
    }

    public void Dispose() => _engine.Dispose();

    // The model's one planner, shared by every client over the engine (the turn policy's).
    private BudgetPlanner Planner => _client.GetService<BudgetPlanner>() ?? throw new InvalidOperationException("the pipeline has no TokenSkip client");

    private static IReadOnlyList<WorksheetProblem> Worksheet(int seed, int count) =>
        WordProblemGenerator.Generate(HeldOutSeedBase + seed, count).Select(p => new WorksheetProblem(p.Question, p.Answer)).ToArray();

    // Halfway between the planner's predicted cost of the worksheet at γ = 0.5 and at γ = 1.0.
    private static int DefaultBudget(BudgetPlanner planner, IReadOnlyList<WorksheetProblem> worksheet, Func<string, int> countTokens)
    {
        var questions = worksheet.Select(p => p.Question).ToArray();
        int Cost(double gamma) => questions.Sum(q => planner.Predict(new CompressionRatio(gamma), countTokens(q)));
        return (Cost(0.5) + Cost(1.0)) / 2;
    }
}
