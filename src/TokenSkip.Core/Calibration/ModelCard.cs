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

    /// <summary>
    /// γ for requests that name none (<c>default_ratio</c>); null means 1.0. A card makes a model TokenSkip-trained: every
    /// door gives it TokenSkip's prompt at this γ unless a request says otherwise.
    /// </summary>
    [JsonPropertyName("default_ratio")]
    public double? DefaultRatio { get; init; }

    /// <summary>
    /// Where instructions (system messages, an agent's instructions) go in TokenSkip's prompt (<c>instructions</c>:
    /// <c>after_system_prompt</c>, <c>before_question</c>, <c>replace_system_prompt</c> or <c>omit</c>); null means
    /// after the system prompt. See <see cref="Turns.InstructionPlacement"/>.
    /// </summary>
    [JsonPropertyName("instructions")]
    public string? Instructions { get; init; }

    /// <summary>
    /// Whether the model calls tools in its family's native format (<c>calls_tools</c>); null means it does (the instruct
    /// models TokenSkip's adapters are trained on do). A model that does not (the embedded one) is never handed tool
    /// descriptions, which would only wreck its answer; responses then say tools were not offered.
    /// </summary>
    [JsonPropertyName("calls_tools")]
    public bool? CallsTools { get; init; }

    /// <summary>The parsed <see cref="Instructions"/>, or null when the card does not say.</summary>
    [JsonIgnore]
    public Turns.InstructionPlacement? InstructionPlacement => Instructions is null ? null : Turns.InstructionPlacements.Parse(Instructions);

    /// <summary>Measured behaviour per γ (γ = 1.0 included).</summary>
    [JsonPropertyName("calibration")]
    public IReadOnlyList<RatioCalibration> Calibration { get; init; } = [];

    /// <summary>
    /// How long the model's CoT is for a question of a given length and what a step spends after it (<c>length_model</c>),
    /// or null: the budget planner's starting point (see <see cref="CotLengthCalibration"/>).
    /// </summary>
    [JsonPropertyName("length_model")]
    public CotLengthCalibration? LengthModel { get; init; }

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
            var card = JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(path), JsonLines.Options)
                ?? throw new FormatException($"{path}: empty model card");
            return card.Validate(path);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: invalid model card ({e.Message})", e);
        }
    }

    /// <summary>Checks the fields a door relies on; the message names the file and field.</summary>
    /// <exception cref="FormatException">A field is out of range.</exception>
    public ModelCard Validate(string path)
    {
        if (DefaultRatio is { } gamma && (!double.IsFinite(gamma) || gamma < CompressionRatio.MinValue || gamma > CompressionRatio.MaxValue))
        {
            throw new FormatException($"{path}: default_ratio must be between 0.5 and 1.0; got {gamma}");
        }

        LengthModel?.Validate(path);
        try
        {
            _ = InstructionPlacement;
        }
        catch (FormatException e)
        {
            throw new FormatException($"{path}: instructions: {e.Message}", e);
        }

        return this;
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
