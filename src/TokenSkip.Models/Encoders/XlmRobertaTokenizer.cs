using Microsoft.ML.Tokenizers;
using TokenSkip.Core.Compression;
using TokenSkip.Models.Checkpoints;

namespace TokenSkip.Models.Encoders;

/// <summary>
/// XLM-RoBERTa's tokenizer: a SentencePiece model (<c>sentencepiece.bpe.model</c>, Unigram despite its name) run by
/// Microsoft.ML.Tokenizers, with ids shifted into fairseq's numbering as Hugging Face's <c>XLMRobertaTokenizer</c>
/// does: <c>&lt;s&gt;</c> 0, <c>&lt;pad&gt;</c> 1, <c>&lt;/s&gt;</c> 2, <c>&lt;unk&gt;</c> 3, SentencePiece piece i ≥ 3 → i + 1,
/// <c>&lt;mask&gt;</c> = pieces + 1.
/// </summary>
/// <remarks>
/// The text is split at whitespace (which the model's normaliser would fold into "▁" anyway) and each
/// whitespace-free segment is encoded on its own; this gives the same pieces as encoding the whole text, because
/// SentencePiece never builds a piece across "▁", and it gives every token an exact source span. When the model's
/// normaliser rewrites a segment (NFKC: "²" → "2", "…" → "..."), spans are mapped back by normalising growing
/// prefixes of the segment. Thread-safe.
/// </remarks>
public sealed class XlmRobertaTokenizer : IEncoderTokenizer
{
    /// <summary>The file name inside an XLM-RoBERTa folder.</summary>
    public const string FileName = "sentencepiece.bpe.model";

    /// <summary>fairseq's <c>&lt;s&gt;</c>.</summary>
    public const int BosId = 0;

    /// <summary>fairseq's <c>&lt;pad&gt;</c>.</summary>
    public const int PadId = 1;

    /// <summary>fairseq's <c>&lt;/s&gt;</c>.</summary>
    public const int EosId = 2;

    /// <summary>fairseq's <c>&lt;unk&gt;</c>.</summary>
    public const int UnknownId = 3;

    private const string UnknownPiece = "<unk>";
    private const char Mark = '▁';

    private readonly SentencePieceTokenizer _sentencePiece;
    private readonly int _pieceCount;

    private XlmRobertaTokenizer(string path, SentencePieceTokenizer sentencePiece, int pieceCount)
    {
        FilePath = path;
        _sentencePiece = sentencePiece;
        _pieceCount = pieceCount;
    }

    /// <inheritdoc />
    public string FilePath { get; }

    /// <inheritdoc />
    public SubwordScheme Scheme => SubwordScheme.SentencePiece;

    /// <inheritdoc />
    public int StartId => BosId;

    /// <inheritdoc />
    public int EndId => EosId;

    /// <summary>fairseq's <c>&lt;mask&gt;</c>: one past the shifted pieces.</summary>
    public int MaskId => _pieceCount + 1;

    /// <inheritdoc />
    public int VocabularySize => _pieceCount + 2;

    /// <summary>Loads <c>sentencepiece.bpe.model</c> from a folder, or the model file itself.</summary>
    /// <exception cref="ModelFormatException">The file is missing, not a SentencePiece model, or not laid out as unk 0, bos 1, eos 2.</exception>
    public static XlmRobertaTokenizer Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = Directory.Exists(path) ? Path.Combine(path, FileName) : path;
        if (!File.Exists(file))
        {
            throw new ModelFormatException(file, "file not found (an XLM-RoBERTa folder needs its SentencePiece model)");
        }

        SentencePieceTokenizer sentencePiece;
        try
        {
            using var stream = File.OpenRead(file);
            sentencePiece = SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false);
        }
        catch (Exception e)
        {
            // Protobuf errors derive from IOException, so nothing is filtered: the file exists, anything else is its content.
            throw new ModelFormatException(file, $"not a readable SentencePiece model ({e.Message})", e);
        }

        if (sentencePiece.UnknownId != 0 || sentencePiece.BeginningOfSentenceId != 1 || sentencePiece.EndOfSentenceId != 2)
        {
            throw new ModelFormatException(file,
                $"unk/bos/eos ids are {sentencePiece.UnknownId}/{sentencePiece.BeginningOfSentenceId}/{sentencePiece.EndOfSentenceId}; XLM-RoBERTa's id shift needs 0/1/2");
        }

        var pieceCount = sentencePiece.Vocabulary.Values.Max() + 1;
        return new XlmRobertaTokenizer(Path.GetFullPath(file), sentencePiece, pieceCount);
    }

    /// <summary>The XLM-RoBERTa id of SentencePiece id <paramref name="pieceId"/>: unknown (0) → 3, otherwise id + 1.</summary>
    public static int ToModelId(int pieceId) => pieceId == 0 ? UnknownId : pieceId + 1;

    /// <inheritdoc />
    public IReadOnlyList<EncoderToken> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<EncoderToken>();
        var index = 0;
        while (index < text.Length)
        {
            if (char.IsWhiteSpace(text[index]))
            {
                index++;
                continue;
            }

            var start = index;
            while (index < text.Length && !char.IsWhiteSpace(text[index]))
            {
                index++;
            }

            TokenizeSegment(text, start, index - start, tokens);
        }

        return tokens;
    }

    private void TokenizeSegment(string text, int start, int length, List<EncoderToken> tokens)
    {
        var segment = text.Substring(start, length);
        var encoded = _sentencePiece.EncodeToTokens(segment, out var normalized, addBeginningOfSentence: false, addEndOfSentence: false);
        normalized ??= segment;
        var prefix = _sentencePiece.AddDummyPrefix && normalized.Length > 0 && normalized[0] == Mark ? 1 : 0;
        var identity = normalized.Length == prefix + segment.Length && normalized.AsSpan(prefix).SequenceEqual(segment);
        var prefixLengths = identity ? null : NormalizedPrefixLengths(segment, prefix);

        foreach (var token in encoded)
        {
            var (from, to) = identity
                ? (Math.Max(0, token.Offset.Start.Value - prefix), Math.Max(0, token.Offset.End.Value - prefix))
                : MapBack(prefixLengths!, token.Offset.Start.Value, token.Offset.End.Value, segment.Length);
            var unknown = token.Id == _sentencePiece.UnknownId;
            tokens.Add(new EncoderToken(ToModelId(token.Id), unknown ? UnknownPiece : token.Value, new TextSpan(start + from, to - from), unknown));
        }
    }

    // lengths[k] = length of the normalised form of segment[..k] (k at character boundaries; -1 inside a surrogate
    // pair), with the dummy-prefix "▁" counted before the first character.
    private int[] NormalizedPrefixLengths(string segment, int prefix)
    {
        var lengths = new int[segment.Length + 1];
        lengths[0] = prefix;
        for (var k = 1; k <= segment.Length; k++)
        {
            lengths[k] = k < segment.Length && char.IsLowSurrogate(segment[k])
                ? -1
                : NormalizedLength(segment[..k]);
        }

        return lengths;
    }

    // The tokenizer's public Normalizer skips the model's character map, so ask the encoder (stopping after one token).
    private int NormalizedLength(string text)
    {
        _sentencePiece.EncodeToIds(text, addBeginningOfSentence: false, addEndOfSentence: false, maxTokenCount: 1, out var normalized, out _);
        return (normalized ?? text).Length;
    }

    // Source span of the normalised range [from, to): from the last prefix whose normal form ends at or before `from`
    // to the first prefix whose normal form reaches `to`.
    private static (int From, int To) MapBack(int[] lengths, int from, int to, int segmentLength)
    {
        var start = 0;
        for (var k = 0; k <= segmentLength; k++)
        {
            if (lengths[k] >= 0 && lengths[k] <= from)
            {
                start = k;
            }
        }

        for (var k = start; k <= segmentLength; k++)
        {
            if (lengths[k] >= to)
            {
                return (start, k);
            }
        }

        return (start, segmentLength);
    }
}
