namespace TokenSkip.Core.Compression;

/// <summary>How a subword tokenizer marks where words begin, which decides how tokens merge into words.</summary>
public enum SubwordScheme
{
    /// <summary>SentencePiece (XLM-RoBERTa): a token starting with "▁" begins a word; so does a token that is a run of ASCII punctuation.</summary>
    SentencePiece,

    /// <summary>WordPiece (BERT): every token begins a word except those starting with "##".</summary>
    WordPiece,
}
