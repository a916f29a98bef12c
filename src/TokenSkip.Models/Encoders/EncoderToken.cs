using TokenSkip.Core.Compression;

namespace TokenSkip.Models.Encoders;

/// <summary>One token of an encoder's tokenization, with where it came from in the text.</summary>
/// <param name="Id">The model's id for the token.</param>
/// <param name="Piece">The token as the vocabulary spells it ("▁Step", "##ing"; "&lt;unk&gt;" or "[UNK]" when unknown).</param>
/// <param name="Span">The source characters it covers (empty for a bare "▁" that stands for the space before a word).</param>
/// <param name="IsSpecial">True for the unknown token, which LLMLingua-2 skips like the other special tokens.</param>
public readonly record struct EncoderToken(int Id, string Piece, TextSpan Span, bool IsSpecial);
