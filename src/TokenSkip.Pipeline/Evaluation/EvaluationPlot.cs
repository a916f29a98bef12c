using System.Globalization;
using ScottPlot;
using SkiaSharp;

namespace TokenSkip.Pipeline.Evaluation;

/// <summary>
/// Draws an evaluation as one PNG of two panels side by side: accuracy (%) against γ on the left, mean CoT tokens
/// against γ on the right; one line per method (TokenSkip, random dropping, truncation), the original model as a
/// dashed horizontal reference; a shared legend below and the dataset and sample count in the title.
/// </summary>
public static class EvaluationPlot
{
    /// <summary>The image width in pixels.</summary>
    public const int Width = 1200;

    /// <summary>The image height in pixels.</summary>
    public const int Height = 540;

    private const float TitleHeight = 48;
    private const float LegendHeight = 46;

    // A sans-serif font that is installed (ScottPlot's own guess can land on a serif one on Linux).
    private static readonly Lazy<string> Font = new(() =>
    {
        var installed = SKFontManager.Default.GetFontFamilies().ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Segoe UI", "Noto Sans" }.FirstOrDefault(installed.Contains) ?? Fonts.Sans;
    });

    /// <summary>The figure title: what was evaluated, on which dataset, with how many samples.</summary>
    public static string Title(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var samples = report.Results.Count == 0 ? 0 : report.Results.Max(r => r.Samples);
        return string.Create(CultureInfo.InvariantCulture, $"TokenSkip on {report.DatasetName}, {samples} samples: accuracy and CoT length against γ");
    }

    /// <summary>Renders <paramref name="report"/> to PNG bytes (<see cref="Width"/> × <see cref="Height"/>).</summary>
    public static byte[] RenderPng(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var accuracy = Panel("accuracy (%)");
        var tokens = Panel("mean CoT length (tokens)");
        var palette = new ScottPlot.Palettes.Category10();
        var gammas = report.Results.Select(r => r.Gamma).DefaultIfEmpty(1.0).ToArray();
        // Drawn in reverse legend order, so TokenSkip's line lies on top of the others where they meet.
        var methods = report.Results.GroupBy(r => r.Method ?? EvaluationMethod.TokenSkip).OrderByDescending(g => Order(g.Key)).ToArray();
        var legend = new List<(int Order, IEnumerable<LegendItem> Items)>();
        foreach (var method in methods)
        {
            var rows = method.OrderBy(r => r.Gamma).ToArray();
            var color = method.Key == EvaluationMethod.Original ? Colors.DimGray : palette.GetColor(Order(method.Key));
            var name = DisplayName(method.Key);
            IPlottable shown;
            if (method.Key == EvaluationMethod.Original)
            {
                // The original model has no γ: a reference line at its level across the whole range.
                shown = Reference(accuracy, 100 * rows[0].Accuracy, color, name);
                Reference(tokens, rows[0].MeanCotTokens, color, name);
            }
            else
            {
                shown = Line(accuracy, rows, r => 100 * r.Accuracy, color, Marker(method.Key), name);
                Line(tokens, rows, r => r.MeanCotTokens, color, Marker(method.Key), name);
            }

            legend.Add((Order(method.Key), shown.LegendItems.ToArray()));
        }

        // γ ticks at the ratios evaluated; accuracy on a full 0-100 scale and tokens from 0, so a drop of a few points
        // does not look like a collapse and token counts compare as ratios.
        var ticks = gammas.Distinct().Order().ToArray();
        var maxTokens = report.Results.Select(r => r.MeanCotTokens).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        foreach (var panel in new[] { accuracy, tokens })
        {
            panel.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks,
                ticks.Select(g => g.ToString("0.0#", CultureInfo.InvariantCulture)).ToArray());
            panel.Axes.SetLimitsX(ticks[0] - 0.04, ticks[^1] + 0.04);
        }

        accuracy.Axes.SetLimitsY(0, 100);
        tokens.Axes.SetLimitsY(0, Math.Ceiling(maxTokens * 1.12));

        using var surface = SKSurface.Create(new SKImageInfo(Width, Height));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        RenderPanel(canvas, accuracy, new PixelRect(0, Width / 2f, Height - LegendHeight, TitleHeight));
        RenderPanel(canvas, tokens, new PixelRect(Width / 2f, Width, Height - LegendHeight, TitleHeight));
        DrawTitle(canvas, Title(report));
        using (var paint = Paint.NewDisposablePaint())
        {
            // One legend for both panels, in legend order, on a plot of its own (a panel's legend would list its
            // lines in drawing order).
            var shared = new Plot().Legend;
            shared.ManualItems.AddRange(legend.OrderBy(e => e.Order).SelectMany(e => e.Items));
            shared.Orientation = Orientation.Horizontal;
            shared.FontSize = 15;
            shared.FontName = Font.Value;
            shared.TightHorizontalWrapping = true;
            shared.SymbolWidth = 36;
            shared.Render(canvas, paint, new PixelRect(0, Width, Height, Height - LegendHeight), Alignment.MiddleCenter);
        }

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static Plot Panel(string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(Font.Value);
        plot.XLabel("γ (requested compression ratio)", 16);
        plot.YLabel(yLabel, 16);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.Legend.IsVisible = false;
        return plot;
    }

    // A plot clears the canvas it renders on: clip it to its own rectangle.
    private static void RenderPanel(SKCanvas canvas, Plot plot, PixelRect rect)
    {
        canvas.Save();
        canvas.ClipRect(rect.ToSKRect());
        plot.Render(canvas, rect);
        canvas.Restore();
    }

    private static IPlottable Line(Plot plot, EvaluationRow[] rows, Func<EvaluationRow, double> value, ScottPlot.Color color, MarkerShape marker, string label)
    {
        var points = rows.Where(r => double.IsFinite(value(r))).ToArray();
        var line = plot.Add.Scatter(points.Select(r => r.Gamma).ToArray(), points.Select(value).ToArray(), color);
        line.LineWidth = 2.5f;
        line.MarkerShape = marker;
        line.MarkerSize = 10;
        line.LegendText = label;
        return line;
    }

    private static IPlottable Reference(Plot plot, double value, ScottPlot.Color color, string label)
    {
        var line = plot.Add.HorizontalLine(value, 2, color, LinePattern.Dashed);
        line.LegendText = label;
        return line;
    }

    private static void DrawTitle(SKCanvas canvas, string text)
    {
        var style = new LabelStyle
        {
            Text = text,
            FontName = Font.Value,
            FontSize = 20,
            Bold = true,
            ForeColor = Colors.Black,
            Alignment = Alignment.MiddleCenter,
        };
        using var paint = Paint.NewDisposablePaint();
        style.Render(canvas, new Pixel(Width / 2f, TitleHeight / 2 + 4), paint);
    }

    // Legend and colour order: TokenSkip first, then its ablation and the baselines.
    private static int Order(EvaluationMethod method) => method switch
    {
        EvaluationMethod.TokenSkip => 0,
        EvaluationMethod.RandomDropping => 1,
        EvaluationMethod.Truncation => 2,
        EvaluationMethod.Original => 3,
        _ => 4 + (int)method,
    };

    private static MarkerShape Marker(EvaluationMethod method) => method switch
    {
        EvaluationMethod.TokenSkip => MarkerShape.FilledCircle,
        EvaluationMethod.RandomDropping => MarkerShape.FilledSquare,
        EvaluationMethod.Truncation => MarkerShape.FilledTriangleUp,
        _ => MarkerShape.FilledDiamond,
    };

    private static string DisplayName(EvaluationMethod method) => method switch
    {
        EvaluationMethod.TokenSkip => "TokenSkip",
        EvaluationMethod.RandomDropping => "random dropping (ablation)",
        EvaluationMethod.Truncation => "truncation",
        EvaluationMethod.Original => "original model",
        _ => EvaluationStage.MethodName(method),
    };
}
