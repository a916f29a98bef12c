namespace TokenSkip.Core.Compression;

/// <summary>One classifier token with its keep probability.</summary>
/// <param name="Piece">The token as the vocabulary spells it ("▁Step", "##ing", ".").</param>
/// <param name="Probability">The classifier's keep probability (softmax of the logits, label 1).</param>
/// <param name="IsSpecial">Start/end/padding/unknown tokens: skipped when merging, as the reference does.</param>
public readonly record struct SubwordToken(string Piece, float Probability, bool IsSpecial = false);
