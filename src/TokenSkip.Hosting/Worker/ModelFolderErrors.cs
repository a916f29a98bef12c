using System.Text.Json;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Tokenization;

namespace TokenSkip.Hosting.Worker;

/// <summary>Tells a damaged or missing model folder (the operator's to fix; the message says what) from a bug.</summary>
internal static class ModelFolderErrors
{
    /// <summary>
    /// True for the exceptions whose message already names the file and what is wrong with it: a stack trace adds
    /// nothing for whoever has to fix the folder.
    /// </summary>
    public static bool IsFolderProblem(Exception exception) => exception is ModelFormatException or TokenizerFormatException
        or FormatException or JsonException or FileNotFoundException or DirectoryNotFoundException;
}
