using System.Text.Json;
using TokenSkip.Models.Runtime;

namespace TokenSkip.Bench;

/// <summary>
/// The <c>engine</c> command: prepares the model files, measures the machine (read bandwidth, GEMM and GEMV rates),
/// then each engine at each precision in its own child process, checks that the two engines agree on the float32
/// model, and writes results.json and results.md.
/// </summary>
internal static class EngineBenchmark
{
    public static int Run(BenchSettings settings)
    {
        void Report(string line) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
        Directory.CreateDirectory(settings.OutputFolder);
        var files = ModelFiles.Ensure(settings.WorkFolder, settings.Seed, Report);
        foreach (var type in settings.QuantizedTypes)
        {
            files.EnsureQuantized(type, settings.Threads, Report);
        }

        var machine = MachineInfo.Collect();
        WaitForQuiet(settings, Report);
        Report($"machine: {machine.Cpu}, {machine.LogicalCores} logical cores; measuring read bandwidth on {settings.Threads} threads");
        var (bandwidthMedian, bandwidthBest) = MemoryBandwidth.Measure(settings.Threads);
        Report($"  read bandwidth {bandwidthMedian:F1} GB/s (best {bandwidthBest:F1})");
        var rates = ComputeRates.Measure(settings.Threads);
        foreach (var rate in rates)
        {
            Report($"  {rate.What} {rate.DType}: {rate.Median:F1} {rate.Unit}");
        }

        var runs = new List<EngineMeasurement>();
        for (var round = 1; round <= settings.Rounds; round++)
        {
            Report($"round {round} of {settings.Rounds}");
            var llamaDone = new HashSet<string>();
            foreach (var dtype in settings.DTypes)
            {
                var name = ModelDType.NameOf(ModelDType.Parse(dtype));
                runs.AddRange(MeasureOurs(files, name, useKernel: true, settings, Report));
                if (settings.CompareWithoutKernel)
                {
                    runs.AddRange(MeasureOurs(files, name, useKernel: false, settings, Report));
                }

                var gguf = BenchResults.PeerPrecision(name);
                if (llamaDone.Add(gguf))
                {
                    runs.AddRange(MeasureLlama(files, gguf, settings, Report));
                }
            }

            // Quantized: both engines run the file llama.cpp's quantizer wrote (TokenSkip in bfloat16 for its prefill GEMM).
            foreach (var type in settings.QuantizedTypes.Select(t => t.ToLowerInvariant()))
            {
                if (BenchResults.TokenSkipLoads(type))
                {
                    runs.AddRange(MeasureOurs(files, type, useKernel: true, settings, Report));
                }

                runs.AddRange(MeasureLlama(files, BenchResults.PeerPrecision(type), settings, Report));
            }
        }

        var measurements = runs.GroupBy(m => (m.Engine, m.Precision))
            .Select(g => EngineMeasurement.Merge(g.ToList(), settings.QuietCores)).ToList();

        var results = BenchResults.Create(settings, machine, bandwidthMedian, bandwidthBest, rates, measurements, runs, files);
        File.WriteAllText(Path.Combine(settings.OutputFolder, "results.json"), JsonSerializer.Serialize(results, Json.Options));
        var markdown = results.ToMarkdown();
        File.WriteAllText(Path.Combine(settings.OutputFolder, "results.md"), markdown);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Report($"wrote {Path.Combine(settings.OutputFolder, "results.json")} and results.md");
        return 0;
    }

    // Another workload on a 2-core machine distorts everything (llama.cpp's spinning thread pool most of all), so each
    // run starts once the machine is quiet or after settings.QuietWait; the load during the run is recorded either way.
    private static void WaitForQuiet(BenchSettings settings, Action<string> report)
    {
        if (settings.QuietWait <= TimeSpan.Zero)
        {
            return;
        }

        var others = CpuActivity.WaitForQuiet(settings.QuietCores, settings.QuietWait);
        if (others >= settings.QuietCores)
        {
            report($"  other processes still use {others:F2} cores after waiting {settings.QuietWait.TotalSeconds:F0} s: figures will be noisy");
        }
    }

    // `precision` is a dtype (the float32 Hugging Face folder loaded in it) or a quantized type (its GGUF file, in bfloat16).
    private static IEnumerable<EngineMeasurement> MeasureOurs(ModelFiles files, string precision, bool useKernel, BenchSettings settings, Action<string> report)
    {
        var dtype = precision;
        report($"TokenSkip {dtype}{(useKernel ? string.Empty : " (libtorch only)")}: child process");
        WaitForQuiet(settings, report);
        var quantized = BenchResults.TokenSkipLoads(precision);
        var logits = Path.Combine(settings.OutputFolder, $"logits-tokenskip-{dtype}{(useKernel ? string.Empty : "-libtorch")}.f32");
        var measurement = ChildProcess.Run(
            ["measure-ours", "--model", quantized ? files.GgufQuantized(precision) : files.HuggingFaceFolder, "--dtype", quantized ? "bfloat16" : dtype,
                "--label", precision, "--kernel", useKernel ? "true" : "false",
                .. CommonArguments(settings), "--logits", logits],
            Path.Combine(settings.OutputFolder, $"child-tokenskip-{dtype}{(useKernel ? string.Empty : "-libtorch")}.json"),
            settings.ChildTimeout, report);
        return ReportMeasurement(measurement, report);
    }

    private static IEnumerable<EngineMeasurement> MeasureLlama(ModelFiles files, string precision, BenchSettings settings, Action<string> report)
    {
        report($"llama.cpp {precision}: child process");
        WaitForQuiet(settings, report);
        var measurement = ChildProcess.Run(
            ["measure-llama", "--gguf", files.GgufFor(precision), "--precision", precision,
                .. CommonArguments(settings), "--logits", Path.Combine(settings.OutputFolder, $"logits-llama-{precision}.f32")],
            Path.Combine(settings.OutputFolder, $"child-llama-{precision}.json"), settings.ChildTimeout, report);
        return ReportMeasurement(measurement, report);
    }

    private static IEnumerable<string> CommonArguments(BenchSettings settings) =>
    [
        "--threads", $"{settings.Threads}", "--decode-tokens", $"{settings.DecodeTokens}", "--prompt-tokens", $"{settings.PromptTokens}",
        "--prefill-tokens", $"{settings.PrefillTokens}", "--repetitions", $"{settings.Repetitions}", "--seed", $"{settings.Seed}",
    ];

    private static IEnumerable<EngineMeasurement> ReportMeasurement(EngineMeasurement? m, Action<string> report)
    {
        if (m is null)
        {
            return [];
        }

        report($"  decode {string.Join(", ", m.DecodeTokensPerSecond.Select(r => $"{r:F1}"))} tok/s; " +
               $"prefill {string.Join(", ", m.PrefillTokensPerSecond.Select(r => $"{r:F1}"))} tok/s; " +
               $"peak RSS {m.PeakRssBytes / 1e9:F2} GB; load {m.LoadSeconds:F1} s; other processes {m.OtherProcessesCores:F2} cores");
        return [m];
    }
}
