using TokenSkip.Core.Text;

namespace TokenSkip.Models.Tests.Compression;

/// <summary>A target-model stand-in whose tokens are characters: token counts are string lengths.</summary>
internal sealed class CharCountTokenizer : ITextTokenizer
{
    public int VocabularySize => char.MaxValue + 1;

    public IReadOnlyList<int> Encode(string text) => text.Select(c => (int)c).ToArray();

    public string Decode(IEnumerable<int> ids) => new(ids.Select(i => (char)i).ToArray());

    public bool TryGetTokenId(string token, out int id)
    {
        id = token.Length == 1 ? token[0] : -1;
        return id >= 0;
    }
}
