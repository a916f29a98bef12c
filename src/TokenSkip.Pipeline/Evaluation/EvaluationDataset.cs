using System.Text.Json;

namespace TokenSkip.Pipeline.Evaluation;

/// <summary>
/// A benchmark read from jsonl. The layout is detected from the first row: a <c>question</c> field means GSM8K,
/// a <c>problem</c> field means MATH-500; every row must then have the same fields. The reference answer is the
/// <c>answer</c> field in both (TokenSkip re-extracts MATH's from the solution's last box, which gives the same
/// text on all 500 MATH-500 rows).
/// </summary>
public sealed class EvaluationDataset
{
    private EvaluationDataset(string path, DatasetLayout layout, IReadOnlyList<EvaluationSample> samples)
    {
        Path = path;
        Layout = layout;
        Samples = samples;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The detected layout.</summary>
    public DatasetLayout Layout { get; }

    /// <summary>The layout's short name: "gsm8k" or "math".</summary>
    public string LayoutName => Layout == DatasetLayout.Gsm8k ? "gsm8k" : "math";

    /// <summary>The samples in file order.</summary>
    public IReadOnlyList<EvaluationSample> Samples { get; }

    /// <summary>Reads <paramref name="path"/>; with <paramref name="limit"/>, only its first rows (file order, so a run is repeatable).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">A row is not a JSON object or lacks a field; the message names the file, line and field.</exception>
    public static EvaluationDataset Load(string path, int? limit = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (limit is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "limit must be at least 1");
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file not found", path);
        }

        DatasetLayout? layout = null;
        var samples = new List<EvaluationSample>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (samples.Count == limit)
            {
                break;
            }

            var where = $"{path}:{lineNumber}";
            using var row = Parse(line, where);
            layout ??= row.RootElement.TryGetProperty("question", out _) ? DatasetLayout.Gsm8k
                : row.RootElement.TryGetProperty("problem", out _) ? DatasetLayout.Math
                : throw new FormatException($"{where}: no \"question\" (GSM8K layout) or \"problem\" (MATH-500 layout) field");
            var sample = new EvaluationSample(
                Id(row.RootElement, lineNumber, where),
                Text(row.RootElement, layout == DatasetLayout.Gsm8k ? "question" : "problem", where),
                Text(row.RootElement, "answer", where));
            if (!ids.Add(sample.Id))
            {
                throw new FormatException($"{where}: id \"{sample.Id}\" appears twice (results are keyed by id)");
            }

            samples.Add(sample);
        }

        if (samples.Count == 0)
        {
            throw new FormatException($"{path}: no rows");
        }

        return new EvaluationDataset(path, layout!.Value, samples);
    }

    private static JsonDocument Parse(string line, string where)
    {
        try
        {
            var document = JsonDocument.Parse(line);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new FormatException($"{where}: expected a JSON object");
            }

            return document;
        }
        catch (JsonException e)
        {
            throw new FormatException($"{where}: not valid JSON ({e.Message})", e);
        }
    }

    private static string Text(JsonElement row, string field, string where)
    {
        if (!row.TryGetProperty(field, out var value))
        {
            throw new FormatException($"{where}: field \"{field}\" is missing");
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number => value.GetRawText(),
            _ => throw new FormatException($"{where}: field \"{field}\" must be a string, not {value.ValueKind.ToString().ToLowerInvariant()}"),
        };
    }

    private static string Id(JsonElement row, int lineNumber, string where)
    {
        foreach (var field in new[] { "id", "unique_id" })
        {
            if (row.TryGetProperty(field, out _))
            {
                return Text(row, field, where);
            }
        }

        return $"line-{lineNumber}";
    }
}
