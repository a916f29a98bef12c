using System.Text.Json;
using System.Text.Json.Serialization;
using TokenSkip.Core.IO;

namespace TokenSkip.Pipeline.Data;

/// <summary>
/// Where a stage's output came from: stage, model, scorer, ratios, seed, inputs and settings. Written next to the
/// output as <c>{output}.provenance.json</c>, so a file can be taken to another engine (e.g. LLaMA-Factory) and back,
/// and so resuming with different settings is refused instead of mixing two runs in one file.
/// </summary>
public sealed record Provenance
{
    /// <summary>The stage that wrote the file ("trajectories", "filter", "compress", "build", ...).</summary>
    [JsonPropertyName("stage")]
    public required string Stage { get; init; }

    /// <summary>The model folder used, if any.</summary>
    [JsonPropertyName("model")]
    public string? Model { get; init; }

    /// <summary>The importance scorer used, if any.</summary>
    [JsonPropertyName("scorer")]
    public string? Scorer { get; init; }

    /// <summary>The compression ratios involved.</summary>
    [JsonPropertyName("ratios")]
    public IReadOnlyList<double>? Ratios { get; init; }

    /// <summary>The random seed, if the stage draws anything.</summary>
    [JsonPropertyName("seed")]
    public int? Seed { get; init; }

    /// <summary>Input files.</summary>
    [JsonPropertyName("inputs")]
    public IReadOnlyList<string> Inputs { get; init; } = [];

    /// <summary>Other settings that change the output (name → value as text).</summary>
    [JsonPropertyName("settings")]
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>The pipeline version.</summary>
    [JsonPropertyName("tool")]
    public string Tool { get; init; } = "TokenSkip.Agents " + PipelineAssembly.Version;

    /// <summary>The sidecar path for <paramref name="output"/>.</summary>
    public static string PathFor(string output) => output + ".provenance.json";

    /// <summary>Writes the sidecar atomically.</summary>
    public void WriteFor(string output) =>
        AtomicFile.WriteAllText(PathFor(output), JsonSerializer.Serialize(this, new JsonSerializerOptions(JsonLines.Options) { WriteIndented = true }));

    /// <summary>Reads the sidecar of <paramref name="output"/>, or null when there is none.</summary>
    public static Provenance? ReadFor(string output)
    {
        var path = PathFor(output);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Provenance>(File.ReadAllText(path), JsonLines.Options);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: invalid provenance ({e.Message})", e);
        }
    }

    /// <summary>True when two runs would produce compatible output (same stage, model, scorer, ratios, seed, settings).</summary>
    public bool IsCompatibleWith(Provenance other) =>
        Stage == other.Stage && Model == other.Model && Scorer == other.Scorer && Seed == other.Seed &&
        (Ratios ?? []).SequenceEqual(other.Ratios ?? []) &&
        Settings.Count == other.Settings.Count && Settings.All(s => other.Settings.TryGetValue(s.Key, out var v) && v == s.Value);
}
