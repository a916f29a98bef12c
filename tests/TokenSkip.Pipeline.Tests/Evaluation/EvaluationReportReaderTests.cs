using TokenSkip.Pipeline.Evaluation;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Pipeline.Tests.Evaluation;

public sealed class EvaluationReportReaderTests : IDisposable
{
    private const string Reconstructed = """
        {"results": [
           {"gamma": 1.0, "accuracy": 0.83, "mean_cot_tokens": 116.0, "actual_ratio": 1.0, "latency_ms_per_sample": 94.1, "samples": 500},
           {"gamma": 0.5, "method": "truncation", "accuracy": 0.016, "mean_cot_tokens": 64.0, "samples": 500}],
         "dataset": "synthetic word problems (seed 2)", "data": "data/test.jsonl", "layout": "gsm8k", "model": "m", "max_new_tokens": 300}
        """;

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void AWrittenReportReadsBackAsItWas()
    {
        var report = new EvaluationReport
        {
            Results =
            [
                new EvaluationRow
                {
                    Gamma = 0.6, Accuracy = 0.7, MeanCotTokens = 70, ActualRatio = 0.6, LatencyMsPerSample = 60, LatencySamples = 10, Samples = 20,
                    MeanGeneratedTokens = 80, ThroughputSamplesPerSecond = 3, ThroughputTokensPerSecond = 240, ThroughputBatchSize = 8,
                },
            ],
            Dataset = "gsm8k test",
            Data = "/d/test.jsonl",
            Layout = "gsm8k",
            Model = "/m",
            MaxNewTokens = 512,
            RatioReference = "gamma=1.0",
        };
        EvaluationReportWriter.Write(_folder.Path, report);

        var read = EvaluationReportReader.Read(_folder.Combine(EvaluationReportWriter.JsonFileName));

        Assert.Equal(report.Results, read.Results);
        Assert.Equal(report with { Results = read.Results }, read);
    }

    [Fact]
    public void MeasurementsTheReportDoesNotHoldReadAsUnmeasuredAndShowAsDashes()
    {
        var path = _folder.Combine("results.json");
        File.WriteAllText(path, Reconstructed);

        var report = EvaluationReportReader.Read(path);

        Assert.Equal("synthetic word problems (seed 2)", report.DatasetName);
        var truncation = report.Results[1];
        Assert.Equal(EvaluationMethod.Truncation, truncation.Method);
        Assert.Null(truncation.ActualRatio);
        Assert.True(double.IsNaN(truncation.LatencyMsPerSample));
        Assert.True(double.IsNaN(truncation.MeanGeneratedTokens));
        Assert.Null(truncation.ThroughputSamplesPerSecond);
        Assert.Equal(94.1, report.Results[0].LatencyMsPerSample);
        var markdown = EvaluationMarkdown.Render(report).ReplaceLineEndings("\n").Split('\n');
        Assert.Equal("# TokenSkip evaluation: synthetic word problems (seed 2)", markdown[0]);
        Assert.Contains("| truncation | 0.5 | 1.6% | 64.0 | – | – | – | – | – | 500 |", markdown);
        Assert.Equal(1, markdown.Count(l => l.StartsWith("| tokenskip | 1.0 | 83.0% | 116.0 | 1.00 | 94.1 |", StringComparison.Ordinal)));
    }

    [Fact]
    public void ARowWithoutWhatThePlotDrawsIsRefusedNamingTheFile()
    {
        var path = _folder.Combine("results.json");
        File.WriteAllText(path, Reconstructed.Replace("\"accuracy\": 0.016, ", string.Empty, StringComparison.Ordinal));

        var error = Assert.Throws<FormatException>(() => EvaluationReportReader.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("accuracy", error.Message);
        Assert.Throws<FileNotFoundException>(() => EvaluationReportReader.Read(_folder.Combine("missing.json")));
    }
}
