namespace TokenSkip.Core.Text;

/// <summary>
/// The tokenizer contract the rest of the project talks to: text to ids and back, with no model-specific
/// behaviour hidden behind it (no BOS/EOS is ever added; prompts carry their own special tokens).
/// </summary>
public interface ITextTokenizer
{
    /// <summary>One more than the largest token id this tokenizer knows (vocabulary plus added tokens).</summary>
    int VocabularySize { get; }

    /// <summary>
    /// Encodes <paramref name="text"/> without adding BOS/EOS. Special-token text inside the input
    /// (e.g. <c>&lt;|im_start|&gt;</c>) maps to that token's id, except inside stretches marked by
    /// <see cref="MessageContent.Mark(string)"/>, which are encoded as plain text (the marks themselves are dropped).
    /// </summary>
    IReadOnlyList<int> Encode(string text);

    /// <summary>
    /// Decodes <paramref name="ids"/> to text, special tokens included. Bytes that do not form valid UTF-8
    /// (for instance a multi-byte character cut in half) decode to U+FFFD.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is not a token of this tokenizer; the message names it.</exception>
    string Decode(IEnumerable<int> ids);

    /// <summary>
    /// Looks up a token as the vocabulary spells it (an added/special token's content such as
    /// <c>&lt;|im_end|&gt;</c>, or a vocabulary entry in its stored form).
    /// </summary>
    bool TryGetTokenId(string token, out int id);
}
