using ScottPlot;

namespace TokenSkip.Pipeline.Evaluation;

/// <summary>Draws accuracy (left axis) and mean CoT tokens (right axis) against γ, TokenSkip and baselines, as a PNG.</summary>
public static class EvaluationPlot
{
    /// <summary>The image size in pixels.</summary>
    public const int Width = 900;

    /// <summary>The image size in pixels.</summary>
    public const int Height = 540;

    /// <summary>Renders <paramref name="report"/> to PNG bytes.</summary>
    public static byte[] RenderPng(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var groups = report.Results.GroupBy(r => r.MethodName).ToArray();
        for (var i = 0; i < groups.Length; i++)
        {
            var rows = groups[i].OrderBy(r => r.Gamma).ToArray();
            var name = groups[i].Key;
            var color = palette.GetColor(i);
            var gammas = rows.Select(r => r.Gamma).ToArray();

            var accuracy = plot.Add.Scatter(gammas, rows.Select(r => 100 * r.Accuracy).ToArray(), color);
            accuracy.LegendText = $"{name}: accuracy";
            accuracy.MarkerSize = 9;
            accuracy.Axes.YAxis = plot.Axes.Left;

            var tokens = plot.Add.Scatter(gammas, rows.Select(r => r.MeanCotTokens).ToArray(), color);
            tokens.LegendText = $"{name}: CoT tokens";
            tokens.LinePattern = LinePattern.Dashed;
            tokens.MarkerShape = MarkerShape.OpenSquare;
            tokens.MarkerSize = 9;
            tokens.Axes.YAxis = plot.Axes.Right;
        }

        plot.Title($"accuracy and CoT tokens against γ ({report.Layout}, {report.Results.Max(r => r.Samples)} samples)");
        plot.Axes.Bottom.Label.Text = "γ (requested compression ratio)";
        plot.Axes.Left.Label.Text = "accuracy (%), solid";
        plot.Axes.Right.Label.Text = "mean CoT tokens, dashed";
        // Accuracy on a full 0-100 scale, so a few points' drop does not look like a collapse; the legend sits
        // outside the data area, where it hides no point.
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(0, 100, plot.Axes.Left);
        plot.ShowLegend(Edge.Right);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }
}
