using System.Text.Json.Serialization;

namespace TokenSkip.Pipeline.Evaluation;

/// <summary>A finished evaluation: <c>results.json</c>.</summary>
public sealed record EvaluationReport
{
    /// <summary>One row per stage, in run order.</summary>
    [JsonPropertyName("results")]
    public required IReadOnlyList<EvaluationRow> Results { get; init; }

    /// <summary>
    /// What the problems are, for titles and tables (e.g. "gsm8k test", "synthetic word problems (seed 2)"); null in
    /// reports written before the field existed, where <see cref="DatasetName"/> falls back to the data file's name.
    /// </summary>
    [JsonPropertyName("dataset")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Dataset { get; init; }

    /// <summary>The data file.</summary>
    [JsonPropertyName("data")]
    public required string Data { get; init; }

    /// <summary>The detected layout ("gsm8k" or "math").</summary>
    [JsonPropertyName("layout")]
    public required string Layout { get; init; }

    /// <summary>The model.</summary>
    [JsonPropertyName("model")]
    public required string Model { get; init; }

    /// <summary>The generation limit.</summary>
    [JsonPropertyName("max_new_tokens")]
    public required int MaxNewTokens { get; init; }

    /// <summary>What <c>actual_ratio</c> divides by: "gamma=1.0", "original", or null.</summary>
    [JsonPropertyName("ratio_reference")]
    public string? RatioReference { get; init; }

    /// <summary>
    /// The dataset's name for titles and tables: <see cref="Dataset"/>, else the data file's name without extension
    /// (the layout only names the record format: synthetic problems in GSM8K layout are not GSM8K), else the layout.
    /// </summary>
    [JsonIgnore]
    public string DatasetName => string.IsNullOrWhiteSpace(Dataset) ? NameOfDataFile(Data) ?? Layout : Dataset;

    /// <summary>The default dataset name of a data file: its file name without extension; null when it has none.</summary>
    public static string? NameOfDataFile(string? path)
    {
        var name = Path.GetFileNameWithoutExtension(path?.TrimEnd('/', '\\'));
        return string.IsNullOrWhiteSpace(name) ? null : name;
    }
}
