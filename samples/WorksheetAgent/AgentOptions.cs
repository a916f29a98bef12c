using System.Globalization;

namespace TokenSkip.Samples.WorksheetAgent;

/// <summary>The sample's command line.</summary>
internal sealed record AgentOptions(string? Model, int Problems, int? Budget, int Seed, bool Benchmark, int Worksheets, string Output,
    bool Calibration = false, int Questions = 100, string? Steps = null, bool WriteCard = false)
{
    public static AgentOptions Parse(string[] args)
    {
        var options = new AgentOptions(null, 4, null, 7, false, 20, "artifacts/budget-benchmark");
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Number() => int.TryParse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new ArgumentException($"{args[i - 1]} needs a positive whole number");
            options = args[i] switch
            {
                "--model" => options with { Model = Next() },
                "--problems" => options with { Problems = Number() },
                "--budget" => options with { Budget = Number() },
                "--seed" => options with { Seed = Number() },
                "--benchmark" => options with { Benchmark = true },
                "--worksheets" => options with { Worksheets = Number() },
                "--output" => options with { Output = Next() },
                "--calibration" => options with { Calibration = true },
                "--questions" => options with { Questions = Number() },
                "--steps" => options with { Steps = Next() },
                "--write-card" => options with { WriteCard = true },
                _ => throw new ArgumentException(
                    $"unknown option {args[i]}; use --model DIR, --problems N, --budget TOKENS, --seed S, --benchmark, --worksheets N, --calibration, --questions N, --steps FILE, --write-card, --output DIR"),
            };
        }

        return options;
    }
}
