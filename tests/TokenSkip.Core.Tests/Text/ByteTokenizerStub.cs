using System.Text;
using TokenSkip.Core.Text;

namespace TokenSkip.Core.Tests.Text;

/// <summary>
/// A tokenizer whose tokens are raw byte strings, decoded like a byte-level BPE (invalid UTF-8 becomes
/// U+FFFD). Id 0 is a BOS that decodes to nothing and drops the next token's leading space, as llama2.c does.
/// Records the longest id list it was asked to decode.
/// </summary>
internal sealed class ByteTokenizerStub(params byte[][] tokens) : ITextTokenizer
{
    public const int Bos = 0;

    public int VocabularySize => tokens.Length;

    public int LongestDecode { get; private set; }

    public IReadOnlyList<int> Encode(string text) => throw new NotSupportedException();

    public string Decode(IEnumerable<int> ids)
    {
        var bytes = new List<byte>();
        var previous = -1;
        var count = 0;
        foreach (var id in ids)
        {
            count++;
            if (id < 0 || id >= tokens.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"unknown id {id}");
            }

            var piece = id == Bos ? [] : tokens[id].AsSpan();
            if (previous == Bos && piece.Length > 0 && piece[0] == (byte)' ')
            {
                piece = piece[1..];
            }

            bytes.AddRange(piece.ToArray());
            previous = id;
        }

        LongestDecode = Math.Max(LongestDecode, count);
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    public bool TryGetTokenId(string token, out int id) => throw new NotSupportedException();

    public static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);
}
