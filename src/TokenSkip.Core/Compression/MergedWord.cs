namespace TokenSkip.Core.Compression;

/// <summary>A word built from consecutive classifier tokens.</summary>
/// <param name="Form">The first token as spelled plus the following tokens without their continuation marks ("▁muff" + "ins").</param>
/// <param name="Score">Mean keep probability of its tokens, after forcing.</param>
/// <param name="FirstToken">Index of its first token in the merged list.</param>
/// <param name="LastToken">Index of its last token (inclusive).</param>
public sealed record MergedWord(string Form, double Score, int FirstToken, int LastToken);
