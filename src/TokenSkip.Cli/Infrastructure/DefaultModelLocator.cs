namespace TokenSkip.Cli.Infrastructure;

/// <summary>Finds default model folders.</summary>
internal static class DefaultModelLocator
{
    /// <summary>The shared stories260K folder: <c>$TOKENSKIP_SHARED/models/stories260k</c>, or <c>../shared/models/stories260k</c> above the working directory or the program.</summary>
    public static string? FindStoriesModel()
    {
        var relative = Path.Combine("models", "stories260k");
        var fromEnv = Environment.GetEnvironmentVariable("TOKENSKIP_SHARED");
        if (!string.IsNullOrEmpty(fromEnv) && Directory.Exists(Path.Combine(fromEnv, relative)))
        {
            return Path.Combine(fromEnv, relative);
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", relative);
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
