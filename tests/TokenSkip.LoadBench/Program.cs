using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TokenSkip.LoadBench;
using TokenSkip.Models;

// Load benchmark for the TokenSkip server: N concurrent streaming clients run the same fixed workload at each level and
// the run reports throughput (completion tokens/s), time to first token and latency percentiles.
var model = new Option<string?>("--model") { Description = "Model folder to serve in process (default: the embedded model)." };
var randomModel = new Option<bool>("--random-model") { Description = "Serve a seeded random Qwen2 of ~3.5M parameters (when the embedded model is not built)." };
var url = new Option<string?>("--url") { Description = "Benchmark an already running server at this root URL instead." };
var levels = new Option<string>("--concurrency") { Description = "Concurrency levels.", DefaultValueFactory = _ => "1,4,16,32" };
var requests = new Option<int>("--requests") { Description = "Requests per level and run (the fixed workload).", DefaultValueFactory = _ => 64 };
var maxTokens = new Option<int>("--max-tokens") { Description = "Completion tokens per request (EOS ignored).", DefaultValueFactory = _ => 32 };
var repeat = new Option<int>("--repeat") { Description = "Runs per level; the median is reported.", DefaultValueFactory = _ => 3 };
var warmup = new Option<int>("--warmup") { Description = "Unmeasured requests first.", DefaultValueFactory = _ => 8 };
var threads = new Option<int>("--threads")
{
    Description = "Torch CPU threads of the in-process server; 0 (the default) keeps libtorch's choice, as `tokenskip serve` does.",
    DefaultValueFactory = _ => 0,
};
var maxBatch = new Option<int>("--max-batch-size") { Description = "KV cache slots of the in-process server.", DefaultValueFactory = _ => 32 };
var ratio = new Option<double?>("--compression-ratio") { Description = "Send TokenSkip's γ with every request." };
var jsonPath = new Option<string?>("--json") { Description = "Also write the results as JSON to this file." };

var root = new RootCommand("TokenSkip server load benchmark: concurrent streaming clients, throughput, TTFT and latency percentiles.");
foreach (var option in new Option[] { model, randomModel, url, levels, requests, maxTokens, repeat, warmup, threads, maxBatch, ratio, jsonPath })
{
    root.Options.Add(option);
}

root.SetAction(async (parse, cancellationToken) =>
{
    var concurrency = parse.GetValue(levels)!.Split(',').Select(s => int.Parse(s.Trim(), CultureInfo.InvariantCulture)).ToArray();
    var perLevel = parse.GetValue(requests);
    var tokens = parse.GetValue(maxTokens);
    var runs = parse.GetValue(repeat);
    string? temp = null;
    BenchServer server;
    if (parse.GetValue(url) is { } external)
    {
        server = BenchServer.External(new Uri(external.TrimEnd('/') + "/"));
    }
    else
    {
        var folder = parse.GetValue(model);
        if (folder is null && parse.GetValue(randomModel))
        {
            temp = Path.Combine(Path.GetTempPath(), "tokenskip-loadbench-" + Guid.NewGuid().ToString("N"));
            Console.Error.WriteLine("writing a random Qwen2 model ...");
            folder = RandomQwenModel.Write(temp);
        }

        server = await BenchServer.StartAsync(folder ?? DefaultModel.Require(), parse.GetValue(maxBatch), parse.GetValue(threads) is > 0 and var n ? n : null);
    }

    try
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024 }) { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(30) };
        var modelId = (string)JsonNode.Parse(await http.GetStringAsync("v1/models", cancellationToken))!["data"]![0]!["id"]!;
        var client = new StreamingClient(http, modelId, tokens, parse.GetValue(ratio));
        Console.WriteLine($"{server.Description}; served id {modelId}");
        Console.WriteLine($"workload per level and run: {perLevel} streaming chat requests x {tokens} completion tokens; {runs} runs per level (median)");
        Console.WriteLine($"machine: {Environment.ProcessorCount} logical CPUs; load average before: {LoadAverage()}");

        await RunLevelAsync(client, Math.Max(1, concurrency.Max()), parse.GetValue(warmup), cancellationToken);
        var results = new List<(int Concurrency, List<LevelResult> Runs)>();
        foreach (var level in concurrency)
        {
            var levelRuns = new List<LevelResult>();
            for (var run = 0; run < runs; run++)
            {
                levelRuns.Add(await RunLevelAsync(client, level, perLevel, cancellationToken));
            }

            results.Add((level, levelRuns));
            Print(level, levelRuns);
        }

        var errors = results.Sum(r => r.Runs.Sum(x => x.Errors));
        foreach (var failure in results.SelectMany(r => r.Runs).SelectMany(r => r.Samples).Where(s => s.Error is not null).Take(5))
        {
            Console.WriteLine($"  error: {failure.Error}");
        }

        var single = results.FirstOrDefault(r => r.Concurrency == 1).Runs;
        var sixteen = results.FirstOrDefault(r => r.Concurrency == 16).Runs;
        if (single is not null && sixteen is not null)
        {
            var speedup = Median(sixteen.Select(r => r.TokensPerSecond)) / Median(single.Select(r => r.TokensPerSecond));
            var verdict = speedup >= 3 && errors == 0 ? "PASS" : "FAIL";
            Console.WriteLine($"throughput at 16 clients / 1 client: {speedup:F2}x (target >= 3x, no errors): {verdict}; errors: {errors}");
        }

        Console.WriteLine($"load average after: {LoadAverage()}");
        if (parse.GetValue(jsonPath) is { } path)
        {
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(results.Select(r => new
            {
                concurrency = r.Concurrency,
                tokens_per_second = r.Runs.Select(x => x.TokensPerSecond).ToArray(),
                median_tokens_per_second = Median(r.Runs.Select(x => x.TokensPerSecond)),
                ttft_ms_p50 = Pooled(r.Runs).TimeToFirstToken(50),
                ttft_ms_p99 = Pooled(r.Runs).TimeToFirstToken(99),
                latency_ms_p50 = Pooled(r.Runs).Latency(50),
                latency_ms_p99 = Pooled(r.Runs).Latency(99),
                errors = r.Runs.Sum(x => x.Errors),
            }), new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        }

        return errors == 0 ? 0 : 1;
    }
    finally
    {
        await server.DisposeAsync();
        if (temp is not null)
        {
            Directory.Delete(temp, recursive: true);
        }
    }
});

return await root.Parse(args).InvokeAsync();

static async Task<LevelResult> RunLevelAsync(StreamingClient client, int concurrency, int total, CancellationToken cancellationToken)
{
    var samples = new RequestSample[total];
    var next = -1;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, Math.Max(total, 1))).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < total)
        {
            samples[i] = await client.RunAsync(Workload.Question(i), cancellationToken);
        }
    }));
    return new LevelResult(concurrency, clock.Elapsed, samples);
}

static void Print(int level, List<LevelResult> runs)
{
    var pooled = Pooled(runs);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"clients {level,3}: {Median(runs.Select(r => r.TokensPerSecond)),8:F1} tok/s (runs: {string.Join(", ", runs.Select(r => r.TokensPerSecond.ToString("F1", CultureInfo.InvariantCulture)))})  " +
        $"TTFT p50 {pooled.TimeToFirstToken(50),7:F0} ms p99 {pooled.TimeToFirstToken(99),7:F0} ms  " +
        $"latency p50 {pooled.Latency(50),7:F0} ms p99 {pooled.Latency(99),7:F0} ms  errors {runs.Sum(r => r.Errors)}"));
}

static LevelResult Pooled(List<LevelResult> runs) =>
    new(runs[0].Concurrency, TimeSpan.FromTicks(runs.Sum(r => r.Wall.Ticks)), runs.SelectMany(r => r.Samples).ToArray());

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
