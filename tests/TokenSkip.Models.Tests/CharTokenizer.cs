using TokenSkip.Core.Text;

namespace TokenSkip.Models.Tests;

/// <summary>A test tokenizer: id i is the character at i in a fixed alphabet (so any id decodes to visible text).</summary>
internal sealed class CharTokenizer : ITextTokenizer
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?-+*/=()[]{}<>'\"#$%&@^_|~\\`\n";

    public int VocabularySize => Alphabet.Length;

    public IReadOnlyList<int> Encode(string text) => text.Select(c => Alphabet.IndexOf(c)).ToArray();

    public string Decode(IEnumerable<int> ids) => new(ids.Select(i => Alphabet[i]).ToArray());

    public bool TryGetTokenId(string token, out int id)
    {
        id = token.Length == 1 ? Alphabet.IndexOf(token[0]) : -1;
        return id >= 0;
    }
}
