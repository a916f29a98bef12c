using System.Text.Json;
using System.Text.Json.Serialization;
using TokenSkip.Core.IO;

namespace TokenSkip.Core.Calibration;

/// <summary>
/// <c>tokenskip.json</c> beside a TokenSkip model: the ratios it was trained for and its measured calibration
/// (actual ratio, accuracy and CoT length per γ), which the budget planner uses to predict lengths.
/// </summary>
public sealed record ModelCard
{
    /// <summary>The file name.</summary>
    public const string FileName = "tokenskip.json";

    /// <summary>Format tag.</summary>
    [JsonPropertyName("format")]
    public string Format { get; init; } = "tokenskip-model-card/1";

    /// <summary>A short description of the model and how it was made.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; init; }

    /// <summary>The ratios the model was trained on.</summary>
    [JsonPropertyName("trained_ratios")]
    public IReadOnlyList<double> TrainedRatios { get; init; } = CompressionRatio.TrainingRatios.Select(r => r.Value).ToArray();

    /// <summary>Measured behaviour per γ (γ = 1.0 included).</summary>
    [JsonPropertyName("calibration")]
    public IReadOnlyList<RatioCalibration> Calibration { get; init; } = [];

    /// <summary>What the calibration was measured on (data file, samples, date).</summary>
    [JsonPropertyName("evaluation")]
    public IReadOnlyDictionary<string, string> Evaluation { get; init; } = new Dictionary<string, string>();

    /// <summary>Reads <c>tokenskip.json</c> from a model folder (or the file itself); null when the folder has none.</summary>
    /// <exception cref="FormatException">The file exists but is invalid; the message names it.</exception>
    public static ModelCard? TryLoad(string folderOrFile)
    {
        var path = Directory.Exists(folderOrFile) ? Path.Combine(folderOrFile, FileName) : folderOrFile;
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(path), JsonLines.Options)
                ?? throw new FormatException($"{path}: empty model card");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: invalid model card ({e.Message})", e);
        }
    }

    /// <summary>Writes the card into <paramref name="folder"/> atomically.</summary>
    public void Save(string folder) => AtomicFile.WriteAllText(Path.Combine(folder, FileName),
        JsonSerializer.Serialize(this, new JsonSerializerOptions(JsonLines.Options) { WriteIndented = true }));

    /// <summary>The measured actual ratio for <paramref name="ratio"/>, interpolating between calibrated γ; the requested value when uncalibrated.</summary>
    public double ActualRatioFor(CompressionRatio ratio)
    {
        var points = Calibration.OrderBy(c => c.Gamma).ToArray();
        if (points.Length == 0)
        {
            return ratio.Value;
        }

        if (ratio.Value <= points[0].Gamma)
        {
            return points[0].ActualRatio;
        }

        for (var i = 1; i < points.Length; i++)
        {
            if (ratio.Value <= points[i].Gamma)
            {
                var t = (ratio.Value - points[i - 1].Gamma) / (points[i].Gamma - points[i - 1].Gamma);
                return points[i - 1].ActualRatio + t * (points[i].ActualRatio - points[i - 1].ActualRatio);
            }
        }

        return points[^1].ActualRatio;
    }
}
