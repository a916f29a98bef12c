using Xunit;

namespace TokenSkip.TestSupport;

/// <summary>
/// Locates the project's shared reference artifacts (<c>../shared</c> beside the repository root, or the
/// folder named by <c>TOKENSKIP_SHARED</c>). Tests that need them call <see cref="Require"/>, which skips the
/// test with a message naming the missing path when the folder is absent (a fresh clone outside CI).
/// </summary>
public static class SharedAssets
{
    private static readonly Lazy<string?> Root = new(FindRoot);

    /// <summary>The shared folder, or null when it is absent.</summary>
    public static string? RootOrNull => Root.Value;

    /// <summary>Returns the absolute path of <paramref name="relativePath"/> inside the shared folder, or skips the test.</summary>
    public static string Require(string relativePath)
    {
        var root = Root.Value;
        if (root is null)
        {
            throw new SkipException($"../shared is absent (set TOKENSKIP_SHARED or clone beside it); needed for {relativePath}");
        }

        var path = Path.Combine(root, relativePath);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new SkipException($"shared artifact {path} is absent");
        }

        return path;
    }

    /// <summary>The repository root (the folder holding TokenSkip.Agents.sln).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string? FindRoot()
    {
        var fromEnv = Environment.GetEnvironmentVariable("TOKENSKIP_SHARED");
        if (!string.IsNullOrEmpty(fromEnv) && Directory.Exists(fromEnv))
        {
            return Path.GetFullPath(fromEnv);
        }

        var candidate = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));
        return Directory.Exists(candidate) ? candidate : null;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TokenSkip.Agents.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("TokenSkip.Agents.sln not found above " + AppContext.BaseDirectory);
    }
}
