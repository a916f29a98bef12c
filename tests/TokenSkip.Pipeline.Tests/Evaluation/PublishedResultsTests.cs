using System.Globalization;
using SkiaSharp;
using TokenSkip.Core.Calibration;
using TokenSkip.Models;
using TokenSkip.Pipeline.Evaluation;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Pipeline.Tests.Evaluation;

/// <summary>
/// docs/results.json (the embedded model's results as a report) and docs/results.png (its plot) stay what the README
/// shows: the model card's figures, named as the synthetic problems they are.
/// </summary>
public sealed class PublishedResultsTests
{
    [Fact]
    public void ThePublishedResultsAreTheEmbeddedModelsCalibrationOnItsSyntheticTestSet()
    {
        var report = EvaluationReportReader.Read(Path.Combine(SharedAssets.RepositoryRoot, "docs", "results.json"));
        var card = ModelCard.TryLoad(DefaultModel.Require())!;

        // Named as what it is: synthetic word problems in GSM8K layout, the card's test seed, not GSM8K.
        Assert.Equal("synthetic word problems (seed 2)", report.DatasetName);
        Assert.Equal("synthetic word problems, seed 2", card.Evaluation["data"]);
        Assert.All(report.Results, r => Assert.Equal(int.Parse(card.Evaluation["samples"], CultureInfo.InvariantCulture), r.Samples));
        Assert.Equal(
            card.Calibration.Select(c => (c.Gamma, c.Accuracy, c.MeanCotTokens, (double?)c.ActualRatio)),
            report.Results.Where(r => r.Method is null).Select(r => (r.Gamma, r.Accuracy, r.MeanCotTokens, r.ActualRatio)));
        Assert.Equal(
            [(EvaluationMethod.Original, 1), (EvaluationMethod.Truncation, 5), (EvaluationMethod.RandomDropping, 6)],
            report.Results.Where(r => r.Method is not null).GroupBy(r => r.Method!.Value).Select(g => (g.Key, g.Count())));

        // docs/results.png is its plot: the plot's size, and small enough for the repository.
        var png = Path.Combine(SharedAssets.RepositoryRoot, "docs", "results.png");
        Assert.InRange(new FileInfo(png).Length, 10_000, 150_000);
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal((EvaluationPlot.Width, EvaluationPlot.Height), (bitmap.Width, bitmap.Height));
    }
}
