namespace TokenSkip.Core.Compression;

/// <summary>A range of characters in a text, in UTF-16 code units.</summary>
/// <param name="Start">Index of the first character.</param>
/// <param name="Length">Number of characters (0 for a word that covers no source text).</param>
public readonly record struct TextSpan(int Start, int Length)
{
    /// <summary>Index just past the last character.</summary>
    public int End => Start + Length;
}
