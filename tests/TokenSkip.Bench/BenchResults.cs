using System.Globalization;
using System.Text;

namespace TokenSkip.Bench;

/// <summary>Everything one run measured, and its markdown rendering.</summary>
internal sealed record BenchResults
{
    public required BenchSettings Settings { get; init; }

    public required MachineInfo Machine { get; init; }

    public required double ReadBandwidthGBps { get; init; }

    public required double ReadBandwidthBestGBps { get; init; }

    public required IReadOnlyList<ComputeRates.Rate> ComputeRates { get; init; }

    /// <summary>One row per engine and precision, from its quiet rounds (see <see cref="EngineMeasurement.Merge"/>).</summary>
    public required IReadOnlyList<EngineMeasurement> Measurements { get; init; }

    /// <summary>Every child process's own result, in the order they ran.</summary>
    public required IReadOnlyList<EngineMeasurement> Runs { get; init; }

    public required IReadOnlyList<EngineAgreement> Agreements { get; init; }

    /// <summary>Bytes of weights one decode step reads, per precision name (the whole model: tied head included).</summary>
    public required IReadOnlyDictionary<string, double> WeightBytesPerToken { get; init; }

    /// <summary>Floating-point operations per prompt token in prefill (2 per weight of the decoder's matrices).</summary>
    public required double PrefillFlopsPerToken { get; init; }

    public static BenchResults Create(BenchSettings settings, MachineInfo machine, double bandwidth, double bandwidthBest,
        IReadOnlyList<ComputeRates.Rate> rates, IReadOnlyList<EngineMeasurement> measurements, IReadOnlyList<EngineMeasurement> runs,
        ModelFiles files)
    {
        var config = QwenShape.Config;
        double matrices = (double)config.LayerCount * (
            config.HiddenSize * (config.HeadCount + 2 * config.KeyValueHeadCount) * config.HeadDim // q, k, v
            + config.HeadCount * config.HeadDim * config.HiddenSize                               // o
            + 3.0 * config.HiddenSize * config.IntermediateSize);                                  // gate, up, down
        double vectors = config.LayerCount * (2.0 * config.HiddenSize + (config.HeadCount + 2 * config.KeyValueHeadCount) * config.HeadDim) + config.HiddenSize;
        double head = (double)config.VocabularySize * config.HiddenSize;
        var agreements = new List<EngineAgreement>();
        foreach (var ours in measurements.Where(m => m.Engine.StartsWith("TokenSkip", StringComparison.Ordinal)))
        {
            var theirs = measurements.FirstOrDefault(m => m.Engine == "llama.cpp" && m.Precision == PeerPrecision(ours.Precision));
            if (theirs is not null && EngineAgreement.Compare(ours, theirs) is { } agreement)
            {
                agreements.Add(agreement);
            }
        }

        return new BenchResults
        {
            Settings = settings,
            Machine = machine,
            ReadBandwidthGBps = bandwidth,
            ReadBandwidthBestGBps = bandwidthBest,
            ComputeRates = rates,
            Measurements = measurements,
            Runs = runs,
            Agreements = agreements,
            WeightBytesPerToken = new Dictionary<string, double>(QuantizedBytes(settings, files))
            {
                ["float32"] = 4 * (matrices + vectors + head),
                ["bfloat16"] = 2 * (matrices + vectors + head),
                ["float16"] = 2 * (matrices + vectors + head),
                ["F32"] = 4 * (matrices + vectors + head),
                ["F16"] = 2 * (matrices + head) + 4 * vectors, // llama.cpp keeps norms and biases in F32
            },
            PrefillFlopsPerToken = 2 * matrices,
        };
    }

    public static string PeerPrecision(string ours) => ours switch
    {
        "float32" => "F32",
        "bfloat16" or "float16" => "F16",
        _ => ours.ToUpperInvariant(), // q8_0 → Q8_0
    };

    /// <summary>Whether TokenSkip runs llama.cpp's file of quantized type <paramref name="type"/> (all three load; q4_k_m's Q4_K/Q6_K tensors decode through the generic, untuned path).</summary>
    public static bool TokenSkipLoads(string type) => type is "q8_0" or "q4_0" or "q4_k_m";

    // A quantized decode step reads the whole file's tensors once (the tied embedding as the head): about the file's size.
    private static IEnumerable<KeyValuePair<string, double>> QuantizedBytes(BenchSettings settings, ModelFiles files) =>
        settings.QuantizedTypes.Select(t => t.ToLowerInvariant()).Where(t => File.Exists(files.GgufQuantized(t)))
            .SelectMany(t => new[]
            {
                new KeyValuePair<string, double>(t, new FileInfo(files.GgufQuantized(t)).Length),
                new KeyValuePair<string, double>(PeerPrecision(t), new FileInfo(files.GgufQuantized(t)).Length),
            });

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        var m = Machine;
        text.AppendLine(CultureInfo.InvariantCulture, $"Measured {m.Date:yyyy-MM-dd HH:mm} UTC on {m.Cpu} ({m.LogicalCores} logical cores, {m.MemoryBytes / 1e9:F0} GB, {m.CpuFlags}), {m.Os}; {m.DotNet}; {m.TorchSharp}; {m.LLamaSharp}.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Random weights of Qwen2.5-0.5B's shape (seed {Settings.Seed}); {Settings.Threads} threads for both engines; batch 1, greedy; each engine in its own process, {Settings.Rounds} rounds interleaving the engines × {Settings.Repetitions} repetitions after a warm-up: medians, range in brackets. A round during which other processes used {Settings.QuietCores:F1} cores or more (more than the engines' threads left free) is left out of a row when the row has quieter rounds (\"rounds\" column); \"other load\" is what other processes used during the rounds kept (cores; 0 = quiet). results.json has every round.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"| engine | precision | decode tok/s ({Settings.PromptTokens}-token prompt, {Settings.DecodeTokens} tokens) | share of the bandwidth ceiling | prefill tok/s ({Settings.PrefillTokens} tokens) | peak RSS | peak RSS after loading | rounds | other load |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var e in Measurements)
        {
            var decode = Statistics.Median(e.DecodeTokensPerSecond);
            var ceiling = ReadBandwidthBestGBps * 1e9 / WeightBytesPerToken[e.Precision];
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {e.Engine} | {e.Precision} | {decode:F1} [{e.DecodeTokensPerSecond.Min():F1}–{e.DecodeTokensPerSecond.Max():F1}] | {decode / ceiling:P0} of {ceiling:F1} | " +
                $"{Statistics.Median(e.PrefillTokensPerSecond):F1} [{e.PrefillTokensPerSecond.Min():F1}–{e.PrefillTokensPerSecond.Max():F1}] | " +
                $"{Gigabytes(e.PeakRssBytes)} | {Gigabytes(e.PeakRssAfterLoadBytes)} | {e.Rounds - e.NoisyRoundsLeftOut} of {e.Rounds} | {e.OtherProcessesCores:F2} |");
        }

        text.AppendLine();
        text.AppendLine("| ours / llama.cpp | decode | prefill | peak RSS |");
        text.AppendLine("| --- | --- | --- | --- |");
        foreach (var ours in Measurements.Where(e => e.Engine.StartsWith("TokenSkip", StringComparison.Ordinal)))
        {
            var theirs = Measurements.FirstOrDefault(e => e.Engine == "llama.cpp" && e.Precision == PeerPrecision(ours.Precision));
            if (theirs is null)
            {
                continue;
            }

            var noisy = ours.OtherProcessesCores >= Settings.QuietCores || theirs.OtherProcessesCores >= Settings.QuietCores;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {ours.Engine} {ours.Precision} / llama.cpp {theirs.Precision}{(noisy ? " (noisy: no quiet round)" : string.Empty)} | " +
                $"{Statistics.Median(ours.DecodeTokensPerSecond) / Statistics.Median(theirs.DecodeTokensPerSecond):F2}× | " +
                $"{Statistics.Median(ours.PrefillTokensPerSecond) / Statistics.Median(theirs.PrefillTokensPerSecond):F2}× | " +
                $"{(ours.PeakRssBytes is { } a && theirs.PeakRssBytes is { } b ? $"{(double)a / b:F2}×" : "n/a")} |");
        }

        text.AppendLine();
        text.AppendLine("| machine | precision | rate |");
        text.AppendLine("| --- | --- | --- |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| read bandwidth, SIMD sum of 1 GiB on {Settings.Threads} threads | – | {ReadBandwidthGBps:F1} GB/s (best {ReadBandwidthBestGBps:F1}) |");
        foreach (var rate in ComputeRates)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {rate.What} | {rate.DType} | {rate.Median:F1} {rate.Unit} |");
        }

        if (Agreements.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("| agreement on the same weights | logits after the prompt: max abs diff (max abs logit) | cosine | same top token, top-5 overlap | greedy tokens identical from the start |");
            text.AppendLine("| --- | --- | --- | --- | --- |");
            foreach (var a in Agreements)
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {a.Ours} vs {a.Theirs} | {a.MaxAbsLogitDifference:G3} ({a.MaxAbsLogit:G3}) | {a.Cosine:F6} | {(a.SameTopToken ? "yes" : "no")}, {a.TopFiveOverlap}/5 | {a.MatchingLeadingTokens} of {a.TokensCompared} |");
            }
        }

        return text.ToString();
    }

    private static string Gigabytes(long? bytes) => bytes is { } b ? string.Create(CultureInfo.InvariantCulture, $"{b / 1e9:F2} GB") : "n/a";
}
