using System.Globalization;
using System.Text;
using System.Text.Json;
using TokenSkip.Core.Text;
using static TokenSkip.Models.Tokenization.TokenizerJsonFile;

namespace TokenSkip.Models.Tokenization;

/// <summary>
/// The llama2.c vocabulary of small checkpoints such as stories260K, read from a <c>vocab.json</c> of the form
/// <c>{"pieces": [...], "scores": [...], "bos_id": 1, "eos_id": 2}</c>. A piece <c>&lt;0xNN&gt;</c> is the raw
/// byte NN; any other piece is literal text (a leading space is a real space).
/// </summary>
/// <remarks>
/// Decoding follows llama2.c: BOS and EOS produce no text, and a piece's leading space is dropped right after
/// BOS. Encoding follows llama2.c's <c>encode</c>: a leading space is prepended to non-empty text, each
/// character becomes its piece (or its UTF-8 bytes as <c>&lt;0xNN&gt;</c> pieces), then the adjacent pair whose
/// concatenation is the best-scoring piece is merged until none is left (with no <c>scores</c>, a lower id
/// counts as a better score). No BOS/EOS is added, and control-token text in the input is not recognised.
/// </remarks>
public sealed class PieceVocabularyTokenizer : ITextTokenizer
{
    /// <summary>The vocabulary file name inside a model folder.</summary>
    public const string FileName = "vocab.json";

    // llama2.c's tokens 3..258 are the 256 byte pieces <0x00>..<0xFF>.
    private const int FirstBytePiece = 3;

    private readonly string[] _pieces;
    private readonly byte[][] _pieceBytes;
    private readonly float[] _scores;
    private readonly Dictionary<string, int> _idOfPiece = new(StringComparer.Ordinal);

    private PieceVocabularyTokenizer(string filePath, string[] pieces, float[] scores, int bosTokenId, int eosTokenId)
    {
        FilePath = filePath;
        _pieces = pieces;
        _scores = scores;
        BosTokenId = bosTokenId;
        EosTokenId = eosTokenId;
        _pieceBytes = new byte[pieces.Length][];
        for (var id = 0; id < pieces.Length; id++)
        {
            _idOfPiece.TryAdd(pieces[id], id);
            _pieceBytes[id] = TryParseBytePiece(pieces[id], out var value) ? [value] : Encoding.UTF8.GetBytes(pieces[id]);
        }
    }

    /// <summary>The vocab.json this tokenizer was loaded from.</summary>
    public string FilePath { get; }

    /// <summary>The BOS id (<c>bos_id</c>, 1 when absent).</summary>
    public int BosTokenId { get; }

    /// <summary>The EOS id (<c>eos_id</c>, 2 when absent).</summary>
    public int EosTokenId { get; }

    /// <inheritdoc />
    public int VocabularySize => _pieces.Length;

    /// <summary>Loads a model folder's vocab.json, or the file itself.</summary>
    /// <exception cref="FileNotFoundException">There is no vocab.json at <paramref name="path"/>.</exception>
    /// <exception cref="TokenizerFormatException">The file is not a llama2.c piece vocabulary; the message names the field.</exception>
    public static PieceVocabularyTokenizer Load(string path)
    {
        var file = Resolve(path, FileName);
        using var document = Parse(file);
        var root = document.RootElement;
        if (!TryGet(root, "pieces", out var piecesElement) || piecesElement.ValueKind != JsonValueKind.Array)
        {
            throw new TokenizerFormatException(file, "pieces", "is missing (expected llama2.c's {\"pieces\": [...]}; an HF vocab.json needs its tokenizer.json instead)");
        }

        var pieces = piecesElement.EnumerateArray()
            .Select((piece, i) => piece.ValueKind == JsonValueKind.String
                ? piece.GetString()!
                : throw new TokenizerFormatException(file, $"pieces[{i}]", "must be a string"))
            .ToArray();
        var scores = ReadScores(file, root, pieces.Length);
        var bos = ReadId(file, root, "bos_id", 1, pieces.Length);
        var eos = ReadId(file, root, "eos_id", 2, pieces.Length);
        return new PieceVocabularyTokenizer(file, pieces, scores, bos, eos);
    }

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = MessageContent.Unmark(text); // this vocabulary has no special-token text to guard against
        var ids = new List<int>(text.Length + 1);
        if (text.Length == 0)
        {
            return ids;
        }

        AppendCharacter(" ", ids);
        foreach (var rune in text.EnumerateRunes())
        {
            AppendCharacter(rune.ToString(), ids);
        }

        MergeBestPairs(ids);
        return ids;
    }

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        var previous = -1;
        foreach (var id in ids)
        {
            if ((uint)id >= (uint)_pieces.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id,
                    $"token id {id} is not in {Path.GetFileName(FilePath)} (vocabulary size {VocabularySize}).");
            }

            if (id != BosTokenId && id != EosTokenId)
            {
                var piece = _pieceBytes[id].AsSpan();
                if (previous == BosTokenId && piece.Length > 0 && piece[0] == (byte)' ')
                {
                    piece = piece[1..];
                }

                bytes.AddRange(piece);
            }

            previous = id;
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    /// <summary>Looks up a piece exactly as the vocabulary spells it (e.g. <c>" the"</c> or <c>&lt;0x0A&gt;</c>).</summary>
    public bool TryGetTokenId(string token, out int id)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _idOfPiece.TryGetValue(token, out id);
    }

    private void AppendCharacter(string character, List<int> ids)
    {
        if (_idOfPiece.TryGetValue(character, out var id))
        {
            ids.Add(id);
            return;
        }

        foreach (var b in Encoding.UTF8.GetBytes(character))
        {
            ids.Add(b + FirstBytePiece);
        }
    }

    // llama2.c's merge loop: the first pair with the strictly best score wins each round.
    private void MergeBestPairs(List<int> ids)
    {
        while (true)
        {
            var bestScore = float.NegativeInfinity;
            var bestId = -1;
            var bestIndex = -1;
            for (var i = 0; i + 1 < ids.Count; i++)
            {
                if (_idOfPiece.TryGetValue(_pieces[ids[i]] + _pieces[ids[i + 1]], out var merged) && _scores[merged] > bestScore)
                {
                    (bestScore, bestId, bestIndex) = (_scores[merged], merged, i);
                }
            }

            if (bestIndex < 0)
            {
                return;
            }

            ids[bestIndex] = bestId;
            ids.RemoveAt(bestIndex + 1);
        }
    }

    private static bool TryParseBytePiece(string piece, out byte value)
    {
        value = 0;
        return piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>' &&
               byte.TryParse(piece.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    private static float[] ReadScores(string file, JsonElement root, int count)
    {
        if (!TryGet(root, "scores", out var scores))
        {
            return [.. Enumerable.Range(0, count).Select(id => (float)-id)];
        }

        if (scores.ValueKind != JsonValueKind.Array || scores.GetArrayLength() != count)
        {
            throw new TokenizerFormatException(file, "scores", $"must be an array of {count} numbers, one per piece");
        }

        return [.. scores.EnumerateArray().Select((score, i) => score.ValueKind == JsonValueKind.Number
            ? score.GetSingle()
            : throw new TokenizerFormatException(file, $"scores[{i}]", "must be a number"))];
    }

    private static int ReadId(string file, JsonElement root, string name, int fallback, int count)
    {
        if (!TryGet(root, name, out var value))
        {
            return fallback;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var id) && id >= 0 && id < count
            ? id
            : throw new TokenizerFormatException(file, name, $"must be an id between 0 and {count - 1}");
    }
}
