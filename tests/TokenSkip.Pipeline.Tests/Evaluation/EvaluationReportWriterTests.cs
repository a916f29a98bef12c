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
        Dataset = "GSM8K test",
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
        Assert.Equal("GSM8K test", json.RootElement.GetProperty("dataset").GetString());
        Assert.Empty(Directory.GetFiles(_folder.Path, "*.tmp"));
    }

    [Fact]
    public void TheMarkdownTableHasARowPerStage()
    {
        EvaluationReportWriter.Write(_folder.Path, Report);

        var text = File.ReadAllLines(_folder.Combine("results.md"));
        Assert.Equal("# TokenSkip evaluation: GSM8K test", text[0]);
        Assert.StartsWith("1319 samples · data: `/data/gsm8k/test.jsonl` (gsm8k layout) ·", text[2]);
        var lines = text.Where(l => l.StartsWith('|')).ToArray();
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
    public void ThePlotIsARealPngWithBothPanelsAndEveryMethodDrawn()
    {
        var combined = Report with { Results = [.. Report.Results, Row(0.7, EvaluationMethod.RandomDropping, 0.6, 200, 0.67)] };

        EvaluationReportWriter.Write(_folder.Path, combined);

        using var bitmap = SKBitmap.Decode(_folder.Combine("results.png"));
        Assert.NotNull(bitmap);
        Assert.Equal((EvaluationPlot.Width, EvaluationPlot.Height), (bitmap.Width, bitmap.Height));
        // Each method's colour (Category10: TokenSkip blue, random dropping orange, truncation green, the original
        // grey) in the left panel (accuracy) and in the right one (CoT tokens).
        SKColor[] methods = [new(0x1f, 0x77, 0xb4), new(0xff, 0x7f, 0x0e), new(0x2c, 0xa0, 0x2c), new(0x69, 0x69, 0x69)];
        foreach (var (left, right) in new[] { (0, bitmap.Width / 2), (bitmap.Width / 2, bitmap.Width) })
        {
            var colours = Colours(bitmap, left, right);
            Assert.All(methods, m => Assert.True(colours.Contains(m), $"{m} missing from x {left}..{right}"));
        }
    }

    [Fact]
    public void ThePlotTitleNamesTheDatasetAndTheSampleCount()
    {
        Assert.Equal("TokenSkip on GSM8K test, 1319 samples: accuracy and CoT length against γ", EvaluationPlot.Title(Report));
        // Synthetic problems in GSM8K layout are not named GSM8K: without a dataset name, the data file names them.
        var synthetic = Report with { Dataset = null, Data = "/work/data/test-synthetic.jsonl" };
        Assert.Equal("test-synthetic", synthetic.DatasetName);
        Assert.StartsWith("TokenSkip on test-synthetic, 1319 samples", EvaluationPlot.Title(synthetic));
        Assert.StartsWith("# TokenSkip evaluation: test-synthetic\n", EvaluationMarkdown.Render(synthetic).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void AReportWithoutADatasetFieldIsNamedAfterItsDataFile()
    {
        var old = JsonSerializer.Serialize(Report with { Dataset = null });
        Assert.DoesNotContain("\"dataset\"", old);

        var read = JsonSerializer.Deserialize<EvaluationReport>(old)!;

        Assert.Null(read.Dataset);
        Assert.Equal("test", read.DatasetName);
    }

    private static HashSet<SKColor> Colours(SKBitmap bitmap, int left, int right)
    {
        var colours = new HashSet<SKColor>();
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = left; x < right; x++)
            {
                colours.Add(bitmap.GetPixel(x, y));
            }
        }

        return colours;
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
