namespace TokenSkip.Models.Checkpoints;

/// <summary>
/// A model file is missing, malformed or does not match what the configuration promises. The message always
/// names the file and, where it applies, the field or tensor at fault.
/// </summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public ModelFormatException(string path, string message, Exception? inner = null)
        : base($"{path}: {message}", inner)
    {
        FilePath = path;
    }

    /// <summary>The file (or folder) at fault.</summary>
    public string FilePath { get; }
}
