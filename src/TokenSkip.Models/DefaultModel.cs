namespace TokenSkip.Models;

/// <summary>
/// The embedded default model: a small TokenSkip model trained by this project's own pipeline, shipped in the
/// repository under <c>models/tokenskip-default</c>, so the main job runs anywhere with no download. Every
/// <c>--model</c> option defaults to it. It is found by walking up from the program's folder and from the working
/// directory (so anything built or run inside the repository finds it), or named by <c>TOKENSKIP_DEFAULT_MODEL</c>.
/// </summary>
public static class DefaultModel
{
    /// <summary>The folder name under <c>models/</c>.</summary>
    public const string FolderName = "tokenskip-default";

    /// <summary>The default model's folder, or null when it is not present (e.g. before it has been built).</summary>
    public static string? Find()
    {
        var fromEnv = Environment.GetEnvironmentVariable("TOKENSKIP_DEFAULT_MODEL");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return Directory.Exists(fromEnv) ? Path.GetFullPath(fromEnv) : null;
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "models", FolderName);
                if (File.Exists(Path.Combine(candidate, "config.json")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>The default model's folder.</summary>
    /// <exception cref="DirectoryNotFoundException">It is not present; the message says how to get it.</exception>
    public static string Require() => Find() ?? throw new DirectoryNotFoundException(
        $"the embedded default model (models/{FolderName}) was not found; pass --model DIR, set TOKENSKIP_DEFAULT_MODEL, or rebuild it with scripts/build-default-model.sh");
}
