using System.Globalization;

namespace TokenSkip.Models.Training;

/// <summary>
/// Resumable checkpoints inside a run's output folder: <c>checkpoint-{step}/</c> holding the trained weights (as the
/// target saves them), <c>optimizer.safetensors</c> and <c>trainer_state.json</c>. A checkpoint is written into a
/// hidden temporary folder and renamed into place, so one either exists complete or not at all.
/// </summary>
internal static class TrainingCheckpoint
{
    public const string Prefix = "checkpoint-";
    public const string OptimizerFileName = "optimizer.safetensors";

    /// <summary>The newest complete checkpoint folder, or null.</summary>
    public static string? FindLatest(string outputFolder) =>
        List(outputFolder).OrderByDescending(c => c.Step).Select(c => c.Folder).FirstOrDefault();

    /// <summary>Writes checkpoint <paramref name="step"/> and keeps only the newest <paramref name="keep"/>; returns its folder.</summary>
    public static string Write(string outputFolder, int step, int keep, ITrainingTarget target, AdamWOptimizer optimizer, TrainerState state)
    {
        Directory.CreateDirectory(outputFolder);
        var final = Path.Combine(outputFolder, Prefix + step.ToString(CultureInfo.InvariantCulture));
        var temporary = Path.Combine(outputFolder, $".{Prefix}{step}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(temporary);
            target.Save(temporary);
            optimizer.Save(Path.Combine(temporary, OptimizerFileName));
            state.Write(temporary);
            if (Directory.Exists(final))
            {
                Directory.Delete(final, recursive: true);
            }

            Directory.Move(temporary, final);
        }
        finally
        {
            if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }
        }

        foreach (var (folder, _) in List(outputFolder).OrderByDescending(c => c.Step).Skip(keep))
        {
            Directory.Delete(folder, recursive: true);
        }

        return final;
    }

    private static IEnumerable<(string Folder, int Step)> List(string outputFolder)
    {
        if (!Directory.Exists(outputFolder))
        {
            yield break;
        }

        foreach (var folder in Directory.EnumerateDirectories(outputFolder, Prefix + "*"))
        {
            var suffix = Path.GetFileName(folder)[Prefix.Length..];
            if (int.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out var step) &&
                File.Exists(Path.Combine(folder, TrainerState.FileName)))
            {
                yield return (folder, step);
            }
        }
    }
}
