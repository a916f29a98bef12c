using TokenSkip.Core.Compression;

namespace TokenSkip.Models.Encoders;

/// <summary>The tokenizer of a token-classification encoder, reporting the source span of every token.</summary>
public interface IEncoderTokenizer
{
    /// <summary>The file the vocabulary was loaded from.</summary>
    string FilePath { get; }

    /// <summary>How tokens mark word starts.</summary>
    SubwordScheme Scheme { get; }

    /// <summary>The start-of-sequence id (<c>&lt;s&gt;</c> / <c>[CLS]</c>).</summary>
    int StartId { get; }

    /// <summary>The end-of-sequence id (<c>&lt;/s&gt;</c> / <c>[SEP]</c>).</summary>
    int EndId { get; }

    /// <summary>One more than the largest id the tokenizer produces.</summary>
    int VocabularySize { get; }

    /// <summary>Tokenizes <paramref name="text"/> without start/end tokens.</summary>
    IReadOnlyList<EncoderToken> Tokenize(string text);
}
