namespace TokenSkip.Models.Tokenization;

/// <summary>An entry of tokenizer.json's <c>added_tokens</c>: text matched whole in the input before BPE.</summary>
/// <param name="Id">The token id.</param>
/// <param name="Content">The exact text that maps to the id.</param>
/// <param name="IsSpecial">True for control tokens such as <c>&lt;|im_end|&gt;</c>.</param>
/// <param name="StripLeft">The match also swallows whitespace on its left.</param>
/// <param name="StripRight">The match also swallows whitespace on its right.</param>
internal sealed record AddedToken(int Id, string Content, bool IsSpecial, bool StripLeft, bool StripRight);
