using System.Text.Json;
using TokenSkip.Core.IO;

namespace TokenSkip.Pipeline.Evaluation;

/// <summary>Writes a finished evaluation's <c>results.json</c>, <c>results.md</c> and <c>results.png</c>, each atomically.</summary>
public static class EvaluationReportWriter
{
    /// <summary>The metrics as JSON.</summary>
    public const string JsonFileName = "results.json";

    /// <summary>The metrics as a markdown table.</summary>
    public const string MarkdownFileName = "results.md";

    /// <summary>Accuracy and tokens against γ.</summary>
    public const string PlotFileName = "results.png";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes the three files into <paramref name="folder"/>.</summary>
    public static void Write(string folder, EvaluationReport report)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(report);
        AtomicFile.WriteAllText(Path.Combine(folder, JsonFileName), JsonSerializer.Serialize(report, JsonOptions) + "\n");
        AtomicFile.WriteAllText(Path.Combine(folder, MarkdownFileName), EvaluationMarkdown.Render(report));
        var png = EvaluationPlot.RenderPng(report);
        AtomicFile.Write(Path.Combine(folder, PlotFileName), stream => stream.Write(png));
    }
}
