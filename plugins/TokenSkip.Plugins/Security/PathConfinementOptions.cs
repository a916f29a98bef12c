namespace TokenSkip.Plugins;

/// <summary>
/// Where plugin functions may read and write. Deny by default: with no folders, every path is refused.
/// </summary>
public sealed class PathConfinementOptions
{
    /// <summary>Folders whose files may be read (write folders are readable too).</summary>
    public IList<string> ReadFolders { get; set; } = [];

    /// <summary>Folders under which files and folders may be created.</summary>
    public IList<string> WriteFolders { get; set; } = [];

    /// <summary>Whether an existing file or non-empty folder may be written over. Default false.</summary>
    public bool AllowOverwrite { get; set; }

    /// <summary>A copy of these options (with copied folder lists).</summary>
    public PathConfinementOptions Clone() => new()
    {
        ReadFolders = [.. ReadFolders],
        WriteFolders = [.. WriteFolders],
        AllowOverwrite = AllowOverwrite,
    };
}
