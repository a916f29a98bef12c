using TokenSkip.Core.Compression;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Encoders;
using TokenSkip.Models.Runtime;

namespace TokenSkip.Models.Compression;

/// <summary>
/// LLMLingua-2's importance scores (Pan et al., 2024), as TokenSkip computes them: an XLM-RoBERTa or BERT token
/// classifier's keep probability for every token, merged into words.
/// </summary>
/// <remarks>
/// <para>
/// Each text is tokenized once and cut into chunks by the reference's rule (see <see cref="ChunkSize"/>); each chunk is
/// wrapped in the start and end tokens (truncated to <see cref="MaxSequenceLength"/>), classified, and the keep
/// probability of a token is <c>softmax(logits)[1]</c>. Tokens merge into words per <see cref="SubwordMerger"/> (mean,
/// force tokens, keep digits); the unknown token is skipped like the other special tokens, so characters the
/// vocabulary cannot spell belong to no word. Every word records its chunk, so the threshold is computed per chunk.
/// </para>
/// <para>
/// Deliberate differences from the reference, none of which changes a score on ordinary text: chunks are classified
/// from their token ids rather than re-tokenized from their detokenized text (which could re-segment a word cut by a
/// chunk border); a force token must be a single token of the vocabulary (the reference instead adds an untrained
/// <c>[NEWi]</c> token with a randomly initialised embedding); chunks are padded to the longest in their batch
/// rather than to 512.
/// </para>
/// <para>
/// Kept words are re-joined as the reference's detokenizer does: for XLM-RoBERTa a word is preceded by a space when
/// its first piece starts with "▁" (so "Hello" "." gives "Hello."); for BERT every word is separated by a space
/// ("3 . 5"). One deliberate departure: the reference concatenates compressed chunks with no separator, gluing the
/// last kept word of a chunk to the first of the next ("step.Then"); here words across a chunk border are joined by the
/// same rule as inside a chunk. Not thread-safe.
/// </para>
/// </remarks>
public sealed class LlmLingua2Scorer : IImportanceScorer
{
    /// <summary>The scorer's provenance name.</summary>
    public const string ScorerName = "llmlingua2";

    /// <summary>The classifier's input length, start and end tokens included (the reference's <c>max_seq_len</c>).</summary>
    public const int MaxSequenceLength = 512;

    /// <summary>The chunking window: <see cref="MaxSequenceLength"/> − 2.</summary>
    public const int ChunkSize = MaxSequenceLength - 2;

    /// <summary>Tokens a chunk preferably ends with.</summary>
    public static IReadOnlySet<string> ChunkEndTokens { get; } = new HashSet<string>(StringComparer.Ordinal) { ".", "\n" };

    private readonly TokenClassificationModel _model;
    private readonly IEncoderTokenizer _tokenizer;
    private readonly int _maxBatchSize;

    /// <summary>Wraps a classifier and its tokenizer; the scorer owns (and disposes) the model.</summary>
    /// <exception cref="ArgumentException">The tokenizer's ids do not fit the model, or the model has fewer than 512 positions.</exception>
    public LlmLingua2Scorer(TokenClassificationModel model, IEncoderTokenizer tokenizer, string? modelPath = null, int maxBatchSize = 8)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        if (tokenizer.VocabularySize > model.Config.VocabularySize)
        {
            throw new ArgumentException(
                $"{tokenizer.FilePath}: the tokenizer has {tokenizer.VocabularySize} ids but the model's vocab_size is {model.Config.VocabularySize}", nameof(tokenizer));
        }

        if (model.Config.MaxSequenceLength < MaxSequenceLength)
        {
            throw new ArgumentException(
                $"max_position_embeddings {model.Config.MaxPositions} allows {model.Config.MaxSequenceLength} tokens; LLMLingua-2 classifies {MaxSequenceLength}", nameof(model));
        }

        _model = model;
        _tokenizer = tokenizer;
        _maxBatchSize = maxBatchSize;
        ModelPath = modelPath ?? model.SourceFolder ?? "(in memory)";
    }

    /// <inheritdoc />
    public string Name => ScorerName;

    /// <inheritdoc />
    public string ModelPath { get; }

    /// <inheritdoc />
    public double Ceiling => 1.0;

    /// <summary>The classifier.</summary>
    public TokenClassificationModel Model => _model;

    /// <summary>The classifier's tokenizer.</summary>
    public IEncoderTokenizer Tokenizer => _tokenizer;

    /// <summary>
    /// Loads a Hugging Face token-classification folder: <c>config.json</c>, <c>model.safetensors</c>, and
    /// <c>sentencepiece.bpe.model</c> (XLM-RoBERTa) or <c>vocab.txt</c> (BERT).
    /// </summary>
    /// <exception cref="ModelFormatException">A file is missing or malformed; the message names it and the field or tensor.</exception>
    public static LlmLingua2Scorer Load(string folder, ModelLoadOptions? options = null, int maxBatchSize = 8)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
        {
            throw new ModelFormatException(folder, "scorer model folder not found");
        }

        var config = EncoderConfig.Load(folder);
        IEncoderTokenizer tokenizer = config.Architecture == EncoderArchitecture.XlmRoberta
            ? XlmRobertaTokenizer.Load(folder)
            : WordPieceTokenizer.Load(folder);
        var model = TokenClassificationModel.Load(folder, options);
        try
        {
            return new LlmLingua2Scorer(model, tokenizer, Path.GetFullPath(folder), maxBatchSize);
        }
        catch (ArgumentException e)
        {
            model.Dispose();
            throw new ModelFormatException(Path.Combine(folder, EncoderConfig.FileName), e.Message, e);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<ScoredText> Score(IReadOnlyList<string> texts, PruningOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        options = (options ?? PruningOptions.None).Validate();
        CheckForceTokens(options);

        var tokenized = texts.Select(t => _tokenizer.Tokenize(t ?? throw new ArgumentException("a text is null", nameof(texts)))).ToArray();
        var chunks = new List<(int Text, int Start, int Count)>();
        for (var t = 0; t < tokenized.Length; t++)
        {
            var pieces = tokenized[t].Select(token => token.Piece).ToArray();
            chunks.AddRange(ChunkPlanner.Plan(pieces, ChunkSize, ChunkEndTokens).Select(c => (t, c.Start, c.Count)));
        }

        var probabilities = new float[chunks.Count][];
        for (var first = 0; first < chunks.Count; first += _maxBatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = chunks.Skip(first).Take(_maxBatchSize).Select(c => Sequence(tokenized[c.Text], c.Start, c.Count)).ToArray();
            var results = _model.KeepProbabilities(batch);
            results.CopyTo(probabilities, first);
        }

        var words = texts.Select(_ => new List<ScoredWord>()).ToArray();
        var chunkOfText = new int[texts.Count];
        for (var c = 0; c < chunks.Count; c++)
        {
            var (text, start, count) = chunks[c];
            AddWords(tokenized[text], start, count, probabilities[c], chunkOfText[text]++, options, words[text]);
        }

        return texts.Select((text, i) => new ScoredText(text, words[i])).ToArray();
    }

    /// <inheritdoc />
    public void Dispose() => _model.Dispose();

    // [start] + chunk + [end], cut to 512 as the reference's dataset does (a 511-token chunk loses its end token).
    private IReadOnlyList<int> Sequence(IReadOnlyList<EncoderToken> tokens, int start, int count)
    {
        var ids = new List<int>(count + 2) { _tokenizer.StartId };
        for (var i = start; i < start + count; i++)
        {
            ids.Add(tokens[i].Id);
        }

        ids.Add(_tokenizer.EndId);
        return ids.Count > MaxSequenceLength ? ids.GetRange(0, MaxSequenceLength) : ids;
    }

    private void AddWords(IReadOnlyList<EncoderToken> tokens, int start, int count, float[] probabilities, int chunk,
        PruningOptions options, List<ScoredWord> words)
    {
        // probabilities[0] is the start token's.
        var subwords = new SubwordToken[count];
        for (var i = 0; i < count; i++)
        {
            var token = tokens[start + i];
            subwords[i] = new SubwordToken(token.Piece, probabilities[i + 1], token.IsSpecial);
        }

        foreach (var word in SubwordMerger.Merge(subwords, _tokenizer.Scheme, options))
        {
            var from = tokens[start + word.FirstToken].Span.Start;
            var to = from;
            for (var i = word.FirstToken; i <= word.LastToken; i++)
            {
                to = Math.Max(to, tokens[start + i].Span.End);
            }

            var spaceBefore = _tokenizer.Scheme == SubwordScheme.WordPiece || word.Form.StartsWith('▁');
            words.Add(new ScoredWord(word.Form, new TextSpan(from, to - from), word.Score, chunk, spaceBefore));
        }
    }

    private void CheckForceTokens(PruningOptions options)
    {
        foreach (var force in options.ForceTokens)
        {
            var count = _tokenizer.Tokenize(force).Count;
            if (count != 1)
            {
                throw new ArgumentException(
                    $"force token '{force}' is {count} tokens for {_tokenizer.FilePath}; only single-token force tokens are supported", nameof(options));
            }
        }
    }
}
