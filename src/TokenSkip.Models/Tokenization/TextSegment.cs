namespace TokenSkip.Models.Tokenization;

/// <summary>A stretch of input text: either an added token's match or plain text for BPE.</summary>
/// <param name="Start">Index of the first character.</param>
/// <param name="Length">Number of characters.</param>
/// <param name="Token">The added token this stretch matched, or null for plain text.</param>
internal readonly record struct TextSegment(int Start, int Length, AddedToken? Token);
