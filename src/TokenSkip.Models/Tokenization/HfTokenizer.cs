using System.Buffers;
using System.Collections.ObjectModel;
using System.Text;
using Microsoft.ML.Tokenizers;
using TokenSkip.Core.Text;

namespace TokenSkip.Models.Tokenization;

/// <summary>
/// A Hugging Face byte-level BPE tokenizer (Qwen2.5, Llama 3) loaded from tokenizer.json, producing the same
/// ids as Hugging Face with <c>add_special_tokens=False</c>.
/// </summary>
/// <remarks>
/// <para>
/// Encoding: added tokens (special or not) are cut out of the raw text first; the rest is normalized (NFC for
/// Qwen2.5), split by the file's pre-tokenizer regexes, mapped to byte-level symbols and merged by
/// Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/>. <see cref="BpeTokenizer"/> has no
/// <c>ignore_merges</c> option (it always merges), so when the file sets it (Llama 3) a pre-token that is
/// itself a vocabulary entry is emitted whole here, before BPE sees it. No BOS/EOS is added; the
/// post-processor is ignored.
/// </para>
/// <para>
/// Decoding concatenates token bytes (added tokens as their text) and reads them as UTF-8, invalid sequences
/// becoming U+FFFD. Not supported (rejected when loading, naming the field): non-BPE models, byte fallback,
/// normalizers other than NFC/NFD/NFKC/NFKD, pre-tokenizers other than Split("Isolated") followed by
/// ByteLevel, <c>add_prefix_space</c>, and <c>single_word</c> added tokens. Added tokens are always matched
/// in the raw text (their <c>normalized</c> flag is not applied). Instances are safe for concurrent use.
/// </para>
/// </remarks>
public sealed class HfTokenizer : ITextTokenizer
{
    /// <summary>The tokenizer file name inside a model folder.</summary>
    public const string FileName = "tokenizer.json";

    private const int StackBufferBytes = 256;

    private readonly Dictionary<string, int> _vocabulary;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _vocabularyBySpan;
    private readonly Dictionary<string, int> _addedTokens;
    private readonly byte[]?[] _tokenBytes;
    private readonly AddedTokenSplitter _splitter;
    private readonly UnicodeNormalizer _normalizer;
    private readonly ByteLevelPreTokenizer _preTokenizer;
    private readonly BpeTokenizer _bpe;
    private readonly bool _ignoreMerges;

    private HfTokenizer(TokenizerDefinition definition, string? bosToken, string? eosToken)
    {
        FilePath = definition.FilePath;
        _vocabulary = definition.Vocabulary;
        _vocabularyBySpan = _vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        _addedTokens = definition.AddedTokens.ToDictionary(t => t.Content, t => t.Id, StringComparer.Ordinal);
        SpecialTokens = new ReadOnlyDictionary<string, int>(
            definition.AddedTokens.Where(t => t.IsSpecial).ToDictionary(t => t.Content, t => t.Id, StringComparer.Ordinal));
        _tokenBytes = BuildTokenBytes(definition);
        _splitter = new AddedTokenSplitter(definition.AddedTokens);
        _normalizer = definition.Normalizer;
        _preTokenizer = definition.PreTokenizer;
        _ignoreMerges = definition.IgnoreMerges;

        // Pre-tokenization and the byte-level mapping happen here, so BpeTokenizer only merges symbols.
        _bpe = BpeTokenizer.Create(new BpeOptions(_vocabulary) { Merges = definition.Merges, ByteLevel = false });
        BosToken = bosToken;
        EosToken = eosToken;
    }

    /// <summary>The tokenizer.json this tokenizer was loaded from.</summary>
    public string FilePath { get; }

    /// <inheritdoc />
    public int VocabularySize => _tokenBytes.Length;

    /// <summary>The added tokens marked special (content → id), e.g. <c>&lt;|im_end|&gt;</c>.</summary>
    public IReadOnlyDictionary<string, int> SpecialTokens { get; }

    /// <summary>tokenizer_config.json's <c>bos_token</c>, or null when the file or the entry is absent.</summary>
    public string? BosToken { get; }

    /// <summary>tokenizer_config.json's <c>eos_token</c>, or null when the file or the entry is absent.</summary>
    public string? EosToken { get; }

    /// <summary>
    /// Loads <paramref name="path"/>: a model folder holding tokenizer.json (and optionally
    /// tokenizer_config.json), or the tokenizer.json file itself.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no tokenizer.json at <paramref name="path"/>.</exception>
    /// <exception cref="TokenizerFormatException">A file is malformed or uses an unsupported feature; the message names file and field.</exception>
    public static HfTokenizer Load(string path)
    {
        var file = TokenizerJsonFile.Resolve(path, FileName);
        var definition = TokenizerJsonReader.Read(file);
        var configPath = Path.Combine(Path.GetDirectoryName(file)!, TokenizerConfigReader.FileName);
        var (bos, eos) = File.Exists(configPath) ? TokenizerConfigReader.Read(configPath) : (null, null);
        var tokenizer = new HfTokenizer(definition, bos, eos);
        foreach (var (name, token) in (ReadOnlySpan<(string, string?)>)[("bos_token", bos), ("eos_token", eos)])
        {
            if (token is not null && !tokenizer.TryGetTokenId(token, out _))
            {
                throw new TokenizerFormatException(configPath, name, $"\"{token}\" is not a token of {Path.GetFileName(file)}");
            }
        }

        return tokenizer;
    }

    /// <summary>A tokenizer from an already validated definition (e.g. read from a GGUF file's metadata).</summary>
    internal static HfTokenizer Create(TokenizerDefinition definition, string? bosToken, string? eosToken) => new(definition, bosToken, eosToken);

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Normalization rejects lone surrogates; UTF-8 would turn them into U+FFFD's bytes anyway.
        if (text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            text = ReplaceLoneSurrogates(text);
        }

        bool[]? isContent = null;
        if (MessageContent.IsMarked(text))
        {
            (text, isContent) = MessageContent.Resolve(text);
        }

        var ids = new List<int>(text.Length / 3 + 4);
        var segments = new List<TextSegment>();
        var pieces = new List<Range>();
        _splitter.Split(text, segments);
        if (isContent is not null)
        {
            DemoteSpecialTokensInContent(segments, isContent);
        }

        foreach (var segment in segments)
        {
            if (segment.Token is not null)
            {
                ids.Add(segment.Token.Id);
                continue;
            }

            var plain = _normalizer.Apply(text.Substring(segment.Start, segment.Length));
            pieces.Clear();
            _preTokenizer.Split(plain, pieces);
            foreach (var piece in pieces)
            {
                EncodePiece(plain.AsSpan(piece), ids);
            }
        }

        return ids;
    }

    /// <summary>
    /// Special-token text inside message content is plain text: its segment joins the plain text around it, so the run is
    /// pre-tokenized as a whole, exactly as if the token did not exist.
    /// </summary>
    private static void DemoteSpecialTokensInContent(List<TextSegment> segments, bool[] isContent)
    {
        var merged = new List<TextSegment>(segments.Count);
        foreach (var segment in segments)
        {
            var plain = segment.Token is null
                || segment.Token.IsSpecial && Array.IndexOf(isContent, true, segment.Start, segment.Length) >= 0;
            if (plain && merged.Count > 0 && merged[^1].Token is null)
            {
                merged[^1] = merged[^1] with { Length = merged[^1].Length + segment.Length };
            }
            else
            {
                merged.Add(plain ? segment with { Token = null } : segment);
            }
        }

        segments.Clear();
        segments.AddRange(merged);
    }

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new ArrayBufferWriter<byte>();
        foreach (var id in ids)
        {
            var tokenBytes = (uint)id < (uint)_tokenBytes.Length ? _tokenBytes[id] : null;
            if (tokenBytes is null)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id,
                    $"token id {id} is not in {Path.GetFileName(FilePath)} (vocabulary size {VocabularySize}).");
            }

            bytes.Write(tokenBytes);
        }

        return Encoding.UTF8.GetString(bytes.WrittenSpan);
    }

    /// <summary>
    /// Looks up an added token by its content (e.g. <c>&lt;|im_end|&gt;</c>) or a vocabulary entry in its
    /// byte-level spelling (a leading space is 'Ġ': <c>"Ġthe"</c>).
    /// </summary>
    public bool TryGetTokenId(string token, out int id)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _addedTokens.TryGetValue(token, out id) || _vocabulary.TryGetValue(token, out id);
    }

    private void EncodePiece(ReadOnlySpan<char> piece, List<int> ids)
    {
        var byteCount = Encoding.UTF8.GetByteCount(piece);
        Span<byte> bytes = byteCount <= StackBufferBytes ? stackalloc byte[StackBufferBytes] : new byte[byteCount];
        Span<char> symbols = byteCount <= StackBufferBytes ? stackalloc char[StackBufferBytes] : new char[byteCount];
        Encoding.UTF8.GetBytes(piece, bytes);
        for (var i = 0; i < byteCount; i++)
        {
            symbols[i] = ByteLevelAlphabet.ToChar(bytes[i]);
        }

        var word = symbols[..byteCount];
        if (_ignoreMerges && _vocabularyBySpan.TryGetValue(word, out var wholeId))
        {
            ids.Add(wholeId);
            return;
        }

        ids.AddRange(_bpe.EncodeToIds(word, considerPreTokenization: false, considerNormalization: false));
    }

    // Vocabulary entries are byte-level symbols; added tokens are plain text that overrides any entry with the same id.
    private static byte[]?[] BuildTokenBytes(TokenizerDefinition definition)
    {
        var size = 1 + Math.Max(
            definition.Vocabulary.Count == 0 ? -1 : definition.Vocabulary.Values.Max(),
            definition.AddedTokens.Count == 0 ? -1 : definition.AddedTokens.Max(t => t.Id));
        var table = new byte[]?[size];
        foreach (var (symbols, id) in definition.Vocabulary)
        {
            table[id] = SymbolsToBytes(symbols);
        }

        foreach (var token in definition.AddedTokens)
        {
            table[token.Id] = Encoding.UTF8.GetBytes(token.Content);
        }

        return table;
    }

    private static byte[] SymbolsToBytes(string symbols)
    {
        var bytes = new List<byte>(symbols.Length);
        foreach (var symbol in symbols)
        {
            if (ByteLevelAlphabet.TryGetByte(symbol, out var b))
            {
                bytes.Add(b);
            }
            else
            {
                // Not a byte-level symbol (a malformed entry): keep the character itself.
                bytes.AddRange(Encoding.UTF8.GetBytes(symbol.ToString()));
            }
        }

        return [.. bytes];
    }

    private static string ReplaceLoneSurrogates(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(chars[i]))
            {
                chars[i] = '\uFFFD';
            }
        }

        return new string(chars);
    }
}
