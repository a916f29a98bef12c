namespace TokenSkip.Core.Text;

/// <summary>TEMPORARY stub; replaced by the tokenizer branch.</summary>
public interface ITextTokenizer
{
    /// <summary>Vocabulary size.</summary>
    int VocabularySize { get; }

    /// <summary>Encodes text (no special tokens added).</summary>
    IReadOnlyList<int> Encode(string text);

    /// <summary>Decodes ids.</summary>
    string Decode(IEnumerable<int> ids);

    /// <summary>Looks up a token.</summary>
    bool TryGetTokenId(string token, out int id);
}
