namespace TokenSkip.Plugins;

/// <summary>
/// Confines paths chosen by a model to configured folders: a path is made absolute (a relative one against the first
/// folder of its kind), every symbolic link along it is resolved, and the real path must lie inside a real allowed
/// folder. <c>..</c> escapes, absolute paths elsewhere and links pointing out are all refused with
/// <see cref="UnauthorizedAccessException"/>; writes over existing files are refused unless allowed.
/// </summary>
public sealed class PathConfinement
{
    private static readonly StringComparison PathComparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()
        ? StringComparison.OrdinalIgnoreCase
        : StringComparison.Ordinal;

    private readonly PathConfinementOptions _options;
    private readonly string[] _readRoots;
    private readonly string[] _writeRoots;

    /// <summary>Creates the policy; folders are canonicalised now (they need not exist yet).</summary>
    public PathConfinement(PathConfinementOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        _writeRoots = _options.WriteFolders.Select(f => Canonical(f)).ToArray();
        _readRoots = _options.ReadFolders.Select(f => Canonical(f)).Concat(_writeRoots).ToArray();
    }

    /// <summary>The canonical path of an existing file or folder that may be read.</summary>
    /// <exception cref="UnauthorizedAccessException">The path lies outside every readable folder.</exception>
    /// <exception cref="FileNotFoundException">The path does not exist.</exception>
    public string ResolveRead(string path)
    {
        var real = Resolve(path, _readRoots, _options.ReadFolders.FirstOrDefault() ?? _options.WriteFolders.FirstOrDefault(), "read");
        if (!File.Exists(real) && !Directory.Exists(real))
        {
            throw new FileNotFoundException($"'{path}' does not exist.", path);
        }

        return real;
    }

    /// <summary>The canonical path of a file or folder that may be created (or, if allowed, overwritten).</summary>
    /// <exception cref="UnauthorizedAccessException">The path lies outside every writable folder, or exists and overwriting is not allowed.</exception>
    public string ResolveWrite(string path)
    {
        var real = Resolve(path, _writeRoots, _options.WriteFolders.FirstOrDefault(), "write");
        var exists = File.Exists(real) || (Directory.Exists(real) && Directory.EnumerateFileSystemEntries(real).Any());
        if (exists && !_options.AllowOverwrite)
        {
            throw new UnauthorizedAccessException($"'{path}' already exists and overwriting is not allowed.");
        }

        return real;
    }

    private static string Resolve(string path, string[] roots, string? relativeBase, string access)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new UnauthorizedAccessException("an empty or malformed path was refused.");
        }

        if (roots.Length == 0)
        {
            throw new UnauthorizedAccessException($"no folder is configured for {access} access; '{path}' was refused.");
        }

        var absolute = Path.IsPathRooted(path) ? path : Path.Combine(Canonical(relativeBase!), path);
        var real = Canonical(absolute);
        if (!roots.Any(root => IsInside(real, root)))
        {
            throw new UnauthorizedAccessException($"'{path}' is outside the folders allowed for {access} access.");
        }

        return real;
    }

    // Absolute, normalised, with every link along the way (dangling ones included) replaced by its target.
    private static string Canonical(string path) => Canonical(path, depth: 0);

    private static string Canonical(string path, int depth)
    {
        if (depth > 32)
        {
            throw new UnauthorizedAccessException($"'{path}' has too many levels of symbolic links.");
        }

        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            if (new FileInfo(current).LinkTarget is { } target)
            {
                current = Canonical(Path.GetFullPath(target, Path.GetDirectoryName(current)!), depth + 1);
            }
        }

        return current;
    }

    private static bool IsInside(string path, string root) =>
        path.Equals(root, PathComparison)
        || path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, PathComparison);
}
