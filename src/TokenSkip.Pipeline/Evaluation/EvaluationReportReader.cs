using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TokenSkip.Pipeline.Evaluation;

/// <summary>
/// Reads a <c>results.json</c> back, for redrawing its plot and table. Each row needs only what the plot draws
/// (<c>gamma</c>, <c>method</c>, <c>accuracy</c>, <c>mean_cot_tokens</c>, <c>samples</c>); the other measurements
/// may be absent, as in a report reconstructed from a published table: an absent latency or generated-token mean
/// reads as NaN, an absent ratio or throughput as null, an absent batch size as 0. A report without
/// <c>dataset</c> (written before the field existed) is named after its data file
/// (<see cref="EvaluationReport.DatasetName"/>).
/// </summary>
public static class EvaluationReportReader
{
    private static readonly HashSet<string> Measurements = new(StringComparer.Ordinal)
    {
        "actual_ratio", "latency_ms_per_sample", "mean_generated_tokens", "throughput_samples_per_s", "throughput_tokens_per_s", "throughput_batch_size",
    };

    private static readonly JsonSerializerOptions Options = new()
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { MeasurementsOptional } },
    };

    /// <summary>Reads the report in <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">The file is not a report; the message names the file and what is wrong.</exception>
    public static EvaluationReport Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file not found", path);
        }

        try
        {
            return JsonSerializer.Deserialize<EvaluationReport>(File.ReadAllText(path), Options)
                ?? throw new FormatException($"{path}: not an evaluation report (null)");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: not an evaluation report: {e.Message}", e);
        }
    }

    // Rows: the measurements the plot does not draw become optional; absent doubles are NaN ("not measured"), as
    // the summarizer writes for a stage with no timed sample.
    private static void MeasurementsOptional(JsonTypeInfo info)
    {
        if (info.Type != typeof(EvaluationRow))
        {
            return;
        }

        var unmeasured = new List<JsonPropertyInfo>();
        foreach (var property in info.Properties.Where(p => Measurements.Contains(p.Name)))
        {
            property.IsRequired = false;
            if (property.PropertyType == typeof(double))
            {
                unmeasured.Add(property);
            }
        }

        info.OnDeserializing = row =>
        {
            foreach (var property in unmeasured)
            {
                property.Set!(row, double.NaN);
            }
        };
    }
}
