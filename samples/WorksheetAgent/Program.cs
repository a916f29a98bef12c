// A budgeted worksheet agent on the embedded TokenSkip model: before each problem the budget planner picks the
// largest γ whose predicted reasoning fits what is left, the model solves it through the Semantic Kernel pipeline
// (budget middleware included), and each step prints γ, tokens, budget left and whether the answer is right.
//
//   dotnet run --project samples/WorksheetAgent -- [--model DIR] [--problems 4] [--budget N] [--seed 7]
//   dotnet run --project samples/WorksheetAgent -- --benchmark [--worksheets 20] [--output DIR]
//   dotnet run --project samples/WorksheetAgent -- --calibration [--questions 100] [--steps calibration.json] [--write-card] [--output DIR]
using System.Globalization;
using System.Text.Json;
using TokenSkip.Samples.WorksheetAgent;

try
{
    var options = AgentOptions.Parse(args);
    using var cancellation = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        cancellation.Cancel();
    };

    using var agent = WorksheetAgentHost.Load(options.Model);
    if (options.Calibration)
    {
        var report = await agent.CalibrateAsync(options.Questions, options.Seed, options.Steps, Console.Error, cancellation.Token);
        Directory.CreateDirectory(options.Output);
        File.WriteAllText(Path.Combine(options.Output, "calibration.json"), JsonSerializer.Serialize(report));
        File.WriteAllText(Path.Combine(options.Output, "calibration.md"), report.ToMarkdown());
        Console.WriteLine(report.ToMarkdown());
        Console.WriteLine($"written to {Path.GetFullPath(options.Output)}");
        if (options.WriteCard)
        {
            Console.WriteLine($"length_model written to {agent.WriteLengthModel(report.LengthModel)}");
        }
    }
    else if (options.Benchmark)
    {
        var summaries = await agent.BenchmarkAsync(options.Worksheets, options.Seed, Console.Out, cancellation.Token);
        Directory.CreateDirectory(options.Output);
        File.WriteAllText(Path.Combine(options.Output, "budget-benchmark.json"), JsonSerializer.Serialize(summaries, new JsonSerializerOptions { WriteIndented = true }));
        File.WriteAllText(Path.Combine(options.Output, "budget-benchmark.md"), TokenSkip.Plugins.Worksheets.BudgetBenchmark.ToMarkdown(summaries));
        Console.WriteLine(TokenSkip.Plugins.Worksheets.BudgetBenchmark.ToMarkdown(summaries));
        Console.WriteLine($"written to {Path.GetFullPath(options.Output)}");
    }
    else
    {
        var result = await agent.RunWorksheetAsync(options.Problems, options.Budget, options.Seed, Console.Out, cancellation.Token);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.Correct}/{result.Steps.Count} correct, {result.TokensUsed} of {result.Budget} tokens used ({(result.WithinBudget ? "within budget" : "OVER budget")})."));
    }

    return 0;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("cancelled");
    return 130;
}
catch (Exception e) when (e is ArgumentException or DirectoryNotFoundException or FileNotFoundException or FormatException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
