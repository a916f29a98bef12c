using TokenSkip.Core.IO;
using System.Text.Json;
using TokenSkip.Models.Checkpoints;

namespace TokenSkip.Models.Training;

/// <summary>
/// Everything besides tensors that a resumed run needs to continue exactly: position (step, epoch, this epoch's data
/// order), the schedule, the optimizer's step count, what data and settings the run was started with, and how
/// random numbers are derived. Stored as <c>trainer_state.json</c> inside a checkpoint.
/// </summary>
internal sealed record TrainerState
{
    public const string FileName = "trainer_state.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public int FormatVersion { get; init; } = 1;

    public required string Target { get; init; }

    public required int GlobalStep { get; init; }

    public required int TotalSteps { get; init; }

    public required int StepsPerEpoch { get; init; }

    public required int WarmupSteps { get; init; }

    public required int Epoch { get; init; }

    /// <summary>The row order of <see cref="Epoch"/> (later epochs derive theirs from the seed).</summary>
    public required int[] DataOrder { get; init; }

    public required int RowCount { get; init; }

    public required string DataFingerprint { get; init; }

    public required long OptimizerStep { get; init; }

    public required double LearningRate { get; init; }

    public required double Loss { get; init; }

    /// <summary>How dropout and data-order randomness is derived: a pure function of the seed and position, so no generator state needs saving.</summary>
    public string RandomDerivation { get; init; } = "splitmix64: order(epoch) = permutation(mix(seed, epoch)); dropout(step, micro) = mix(seed, step, micro)";

    /// <summary>The settings that shape the run; a resumed run must use the same ones.</summary>
    public required Dictionary<string, string> Settings { get; init; }

    public void Write(string folder) => AtomicFile.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, Json));

    public static TrainerState Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        try
        {
            return JsonSerializer.Deserialize<TrainerState>(File.ReadAllBytes(path), Json)
                ?? throw new ModelFormatException(path, "holds null");
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(path, $"invalid trainer state ({e.Message})", e);
        }
    }
}
