using System.Globalization;
using System.Text;
using System.Text.Json;
using TokenSkip.Core.Compression;
using TokenSkip.Models.Checkpoints;

namespace TokenSkip.Models.Encoders;

/// <summary>
/// BERT's tokenizer (<c>vocab.txt</c>): Hugging Face's basic tokenizer (drop control characters, split on whitespace,
/// punctuation and CJK ideographs, optionally lower-case and strip accents) followed by greedy longest-match
/// WordPiece with "##" continuations; a word longer than 100 characters or with no WordPiece cover becomes [UNK].
/// </summary>
/// <remarks>
/// <c>do_lower_case</c> comes from <c>tokenizer_config.json</c> beside the vocabulary (true when absent, as in Hugging
/// Face; multilingual-cased sets it false); <c>strip_accents</c> follows it unless set. Spans are exact unless lower-casing
/// or accent stripping changed a word's length, in which case its pieces share the word's span proportionally.
/// Thread-safe.
/// </remarks>
public sealed class WordPieceTokenizer : IEncoderTokenizer
{
    /// <summary>The vocabulary file name inside a BERT folder.</summary>
    public const string FileName = "vocab.txt";

    private const int MaxCharactersPerWord = 100;
    private const string ContinuationMark = "##";

    private readonly Dictionary<string, int> _vocabulary;
    private readonly bool _lowerCase;
    private readonly bool _stripAccents;
    private readonly bool _splitCjk;

    private WordPieceTokenizer(string path, Dictionary<string, int> vocabulary, bool lowerCase, bool stripAccents, bool splitCjk)
    {
        FilePath = path;
        _vocabulary = vocabulary;
        _lowerCase = lowerCase;
        _stripAccents = stripAccents;
        _splitCjk = splitCjk;
        StartId = Require("[CLS]");
        EndId = Require("[SEP]");
        PadId = Require("[PAD]");
        UnknownId = Require("[UNK]");
        VocabularySize = vocabulary.Values.Max() + 1;
    }

    /// <inheritdoc />
    public string FilePath { get; }

    /// <inheritdoc />
    public SubwordScheme Scheme => SubwordScheme.WordPiece;

    /// <inheritdoc />
    public int StartId { get; }

    /// <inheritdoc />
    public int EndId { get; }

    /// <summary>The id of [PAD].</summary>
    public int PadId { get; }

    /// <summary>The id of [UNK].</summary>
    public int UnknownId { get; }

    /// <inheritdoc />
    public int VocabularySize { get; }

    /// <summary>Loads <c>vocab.txt</c> (and <c>tokenizer_config.json</c> if present) from a folder, or the vocabulary file itself.</summary>
    /// <exception cref="ModelFormatException">A file is missing or malformed, or [CLS]/[SEP]/[PAD]/[UNK] is absent.</exception>
    public static WordPieceTokenizer Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = Directory.Exists(path) ? Path.Combine(path, FileName) : path;
        if (!File.Exists(file))
        {
            throw new ModelFormatException(file, "file not found (a BERT folder needs its WordPiece vocabulary)");
        }

        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        var lines = File.ReadAllLines(file);
        for (var i = 0; i < lines.Length; i++)
        {
            vocabulary[lines[i]] = i;
        }

        if (vocabulary.Count == 0)
        {
            throw new ModelFormatException(file, "the vocabulary is empty");
        }

        var (lowerCase, stripAccents, splitCjk) = ReadOptions(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, "tokenizer_config.json"));
        return new WordPieceTokenizer(Path.GetFullPath(file), vocabulary, lowerCase, stripAccents ?? lowerCase, splitCjk);
    }

    /// <inheritdoc />
    public IReadOnlyList<EncoderToken> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<EncoderToken>();
        foreach (var (word, span, altered) in PreTokenize(text))
        {
            AddWordPieces(word, span, altered, tokens);
        }

        return tokens;
    }

    private int Require(string token) =>
        _vocabulary.TryGetValue(token, out var id) ? id : throw new ModelFormatException(FilePath, $"the vocabulary has no '{token}' token");

    private static (bool LowerCase, bool? StripAccents, bool SplitCjk) ReadOptions(string configPath)
    {
        if (!File.Exists(configPath))
        {
            return (true, null, true);
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(configPath));
            var root = document.RootElement;
            bool? Flag(string name) =>
                root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
                    ? v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw new ModelFormatException(configPath, $"{name} must be true, false or null")
                    : null;
            return (Flag("do_lower_case") ?? true, Flag("strip_accents"), Flag("tokenize_chinese_chars") ?? true);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(configPath, $"invalid JSON ({e.Message})", e);
        }
    }

    // Whitespace-separated words, with punctuation and (optionally) CJK ideographs split off as words of their own.
    private IEnumerable<(string Word, TextSpan Span, bool Altered)> PreTokenize(string text)
    {
        var word = new StringBuilder();
        var start = -1;
        var end = 0;
        var dropped = false;
        var index = 0;
        var words = new List<(string, TextSpan, bool)>();

        void Flush()
        {
            if (word.Length > 0)
            {
                words.Add(Finish(word.ToString(), new TextSpan(start, end - start), dropped));
            }

            word.Clear();
            start = -1;
            dropped = false;
        }

        while (index < text.Length)
        {
            var rune = Rune.DecodeFromUtf16(text.AsSpan(index), out var value, out var width) == System.Buffers.OperationStatus.Done
                ? value
                : Rune.ReplacementChar;
            var category = Rune.GetUnicodeCategory(rune);
            if (IsWhitespace(rune, category))
            {
                Flush();
            }
            else if (rune.Value == 0 || rune == Rune.ReplacementChar || IsControl(category))
            {
                dropped |= start >= 0;
            }
            else if (IsPunctuation(rune, category) || (_splitCjk && IsCjk(rune.Value)))
            {
                Flush();
                words.Add(Finish(rune.ToString(), new TextSpan(index, width), false));
            }
            else
            {
                if (start < 0)
                {
                    start = index;
                }

                word.Append(text, index, width);
                end = index + width;
            }

            index += width;
        }

        Flush();
        return words;
    }

    private (string, TextSpan, bool) Finish(string word, TextSpan span, bool dropped)
    {
        var processed = word;
        if (_lowerCase)
        {
            processed = processed.ToLowerInvariant();
        }

        if (_stripAccents)
        {
            processed = new string(processed.Normalize(NormalizationForm.FormD)
                .Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark).ToArray());
        }

        return (processed, span, dropped || processed.Length != span.Length);
    }

    private void AddWordPieces(string word, TextSpan span, bool altered, List<EncoderToken> tokens)
    {
        var boundaries = RuneBoundaries(word);
        if (boundaries.Count - 1 > MaxCharactersPerWord)
        {
            tokens.Add(new EncoderToken(UnknownId, "[UNK]", span, true));
            return;
        }

        var pieces = new List<(int Id, string Piece, int From, int To)>();
        var from = 0;
        while (from < boundaries.Count - 1)
        {
            var found = false;
            for (var to = boundaries.Count - 1; to > from && !found; to--)
            {
                var piece = (from > 0 ? ContinuationMark : string.Empty) + word[boundaries[from]..boundaries[to]];
                if (_vocabulary.TryGetValue(piece, out var id))
                {
                    pieces.Add((id, piece, boundaries[from], boundaries[to]));
                    from = to;
                    found = true;
                }
            }

            if (!found)
            {
                tokens.Add(new EncoderToken(UnknownId, "[UNK]", span, true));
                return;
            }
        }

        foreach (var (id, piece, pieceFrom, pieceTo) in pieces)
        {
            var source = altered
                ? new TextSpan(span.Start + Scale(pieceFrom, word.Length, span.Length), Scale(pieceTo, word.Length, span.Length) - Scale(pieceFrom, word.Length, span.Length))
                : new TextSpan(span.Start + pieceFrom, pieceTo - pieceFrom);
            tokens.Add(new EncoderToken(id, piece, source, false));
        }
    }

    private static int Scale(int position, int length, int sourceLength) =>
        length == 0 ? 0 : (int)Math.Round(position * (double)sourceLength / length, MidpointRounding.AwayFromZero);

    private static List<int> RuneBoundaries(string word)
    {
        var boundaries = new List<int> { 0 };
        for (var i = 0; i < word.Length; i++)
        {
            if (!(char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1])))
            {
                boundaries.Add(i + 1);
            }
        }

        return boundaries;
    }

    private static bool IsWhitespace(Rune rune, UnicodeCategory category) =>
        rune.Value is ' ' or '\t' or '\n' or '\r' || category == UnicodeCategory.SpaceSeparator;

    private static bool IsControl(UnicodeCategory category) => category is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned;

    private static bool IsPunctuation(Rune rune, UnicodeCategory category) =>
        rune.Value is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126)
        || category is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
            or UnicodeCategory.OtherPunctuation;

    private static bool IsCjk(int value) =>
        value is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF) or (>= 0x2A700 and <= 0x2B73F)
            or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}
