using System.Text.Json;
using SkiaSharp;
using TokenSkip.Pipeline.Evaluation;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Pipeline.Tests.Evaluation;

public sealed class EvaluationReportWriterTests : IDisposable
{
    private static readonly EvaluationReport Report = new()
    {
        Results =
        [
            Row(1.0, null, 0.9, 300, 1.0),
            Row(0.7, null, 0.85, 210, 0.7),
            Row(0.5, null, 0.8, 160, 0.5333),
            Row(1.0, EvaluationMethod.Original, 0.9, 300, 1.0),
            Row(0.7, EvaluationMethod.Truncation, 0.3, 210, 0.7),
            Row(0.5, EvaluationMethod.Truncation, 0.1, 150, 0.5),
        ],
        Data = "/data/gsm8k/test.jsonl",
        Layout = "gsm8k",
        Model = "/models/qwen",
        MaxNewTokens = 512,
        RatioReference = "gamma=1.0",
    };

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void ResultsJsonHasTheDocumentedShape()
    {
        EvaluationReportWriter.Write(_folder.Path, Report);

        var text = File.ReadAllText(_folder.Combine("results.json"));
        Assert.Contains("\"gamma\": 1.0,", text);
        using var json = JsonDocument.Parse(text);
        var rows = json.RootElement.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(6, rows.Length);
        Assert.Equal(["gamma", "accuracy", "mean_cot_tokens", "actual_ratio", "latency_ms_per_sample", "latency_samples", "samples", "mean_generated_tokens",
            "throughput_samples_per_s", "throughput_tokens_per_s", "throughput_batch_size"], rows[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(0.7, rows[1].GetProperty("gamma").GetDouble());
        Assert.Equal(0.85, rows[1].GetProperty("accuracy").GetDouble());
        Assert.Equal([null, null, null, "original", "truncation", "truncation"],
            rows.Select(r => r.TryGetProperty("method", out var m) ? m.GetString() : null));
        Assert.Equal("gamma=1.0", json.RootElement.GetProperty("ratio_reference").GetString());
        Assert.Empty(Directory.GetFiles(_folder.Path, "*.tmp"));
    }

    [Fact]
    public void TheMarkdownTableHasARowPerStage()
    {
        EvaluationReportWriter.Write(_folder.Path, Report);

        var lines = File.ReadAllLines(_folder.Combine("results.md")).Where(l => l.StartsWith('|')).ToArray();
        Assert.Equal(8, lines.Length);
        Assert.Equal("| tokenskip | 0.7 | 85.0% | 210.0 | 0.70 | 100.0 | 2.50 | 500.0 | 8 | 1319 |", lines[3]);
        Assert.StartsWith("| truncation | 0.5 | 10.0% |", lines[7]);
    }

    [Fact]
    public void RandomDroppingRowsKeepTheirLabelThroughJsonAndMarkdown()
    {
        var combined = Report with { Results = [.. Report.Results, Row(0.5, EvaluationMethod.RandomDropping, 0.6, 158, 0.52)] };

        EvaluationReportWriter.Write(_folder.Path, combined);

        var read = JsonSerializer.Deserialize<EvaluationReport>(File.ReadAllText(_folder.Combine("results.json")))!;
        Assert.Equal(EvaluationMethod.RandomDropping, read.Results[^1].Method);
        Assert.Contains("\"method\": \"random-dropping\"", File.ReadAllText(_folder.Combine("results.json")));
        Assert.StartsWith("| random-dropping | 0.5 | 60.0% |", File.ReadAllLines(_folder.Combine("results.md")).Last(l => l.StartsWith('|')));
    }

    [Fact]
    public void ThePlotIsARealPngWithTheSeriesDrawn()
    {
        EvaluationReportWriter.Write(_folder.Path, Report);

        using var bitmap = SKBitmap.Decode(_folder.Combine("results.png"));
        Assert.NotNull(bitmap);
        Assert.Equal((EvaluationPlot.Width, EvaluationPlot.Height), (bitmap.Width, bitmap.Height));
        // Three series colours, plus white background, black text and grey grid lines.
        var colours = new HashSet<SKColor>();
        for (var y = 0; y < bitmap.Height; y += 2)
        {
            for (var x = 0; x < bitmap.Width; x += 2)
            {
                colours.Add(bitmap.GetPixel(x, y));
            }
        }

        Assert.True(colours.Count > 20, $"only {colours.Count} colours: the plot looks empty");
        Assert.Contains(colours, c => c.Blue > 150 && c.Red < 100);
    }

    private static EvaluationRow Row(double gamma, EvaluationMethod? method, double accuracy, double tokens, double ratio) => new()
    {
        Gamma = gamma,
        Method = method,
        Accuracy = accuracy,
        MeanCotTokens = tokens,
        ActualRatio = ratio,
        LatencyMsPerSample = 100,
        Samples = 1319,
        MeanGeneratedTokens = tokens + 20,
        ThroughputSamplesPerSecond = 2.5,
        ThroughputTokensPerSecond = 500,
        ThroughputBatchSize = 8,
    };
}
