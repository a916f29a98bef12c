using System.Globalization;
using System.Text;

namespace TokenSkip.Pipeline.Evaluation;

/// <summary>Writes an evaluation as a markdown table (<c>results.md</c>).</summary>
public static class EvaluationMarkdown
{
    /// <summary>
    /// The report as markdown: a heading naming the dataset, a line describing the run and one table row per stage.
    /// Measurements a report does not hold (NaN, e.g. in one reconstructed from a published table) show as "–".
    /// </summary>
    public static string Render(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        var samples = report.Results.Count == 0 ? 0 : report.Results.Max(r => r.Samples);
        text.AppendLine(Invariant($"# TokenSkip evaluation: {report.DatasetName}")).AppendLine();
        text.AppendLine(Invariant($"{samples} samples · data: `{report.Data}` ({report.Layout} layout) · model: `{report.Model}` · max new tokens: {report.MaxNewTokens} · actual ratio relative to: {report.RatioReference ?? "n/a (neither γ=1.0 nor the original model was run)"}"));
        text.AppendLine();
        text.AppendLine("| method | γ | accuracy | CoT tokens | actual ratio | latency (ms/sample, batch 1) | samples/s | tokens/s | throughput batch | samples |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in report.Results)
        {
            text.AppendLine(Invariant(
                $"| {row.MethodName} | {row.Gamma:0.0#} | {100 * row.Accuracy:0.0}% | {row.MeanCotTokens:0.0} | {Optional(row.ActualRatio, "0.00")} | {Optional(row.LatencyMsPerSample, "0.0")} | {Optional(row.ThroughputSamplesPerSecond, "0.00")} | {Optional(row.ThroughputTokensPerSecond, "0.0")} | {(row.ThroughputBatchSize > 0 ? row.ThroughputBatchSize.ToString(CultureInfo.InvariantCulture) : "–")} | {row.Samples} |"));
        }

        return text.ToString();
    }

    private static string Optional(double? value, string format) =>
        value is { } measured && double.IsFinite(measured) ? measured.ToString(format, CultureInfo.InvariantCulture) : "–";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
