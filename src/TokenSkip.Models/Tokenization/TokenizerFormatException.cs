namespace TokenSkip.Models.Tokenization;

/// <summary>
/// A tokenizer file is malformed or uses a feature this loader does not support. The message names the file
/// and the field at fault, e.g. <c>tokenizer.json: model.merges[12] must be "a b" or ["a","b"]</c>.
/// </summary>
public sealed class TokenizerFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="field"/> of <paramref name="filePath"/>.</summary>
    /// <param name="filePath">The file at fault (its name goes into the message).</param>
    /// <param name="field">The JSON path of the offending field, e.g. <c>model.merges[12]</c>; empty for the whole file.</param>
    /// <param name="problem">What is wrong, phrased to follow the field name.</param>
    /// <param name="innerException">The parser's exception, if any.</param>
    public TokenizerFormatException(string filePath, string field, string problem, Exception? innerException = null)
        : base(Describe(filePath, field, problem), innerException)
    {
        FilePath = filePath;
        Field = field;
    }

    /// <summary>The full path of the file at fault.</summary>
    public string FilePath { get; }

    /// <summary>The JSON path of the offending field (empty when the whole file is at fault).</summary>
    public string Field { get; }

    private static string Describe(string filePath, string field, string problem) =>
        field.Length == 0 ? $"{Path.GetFileName(filePath)}: {problem}" : $"{Path.GetFileName(filePath)}: {field} {problem}";
}
