using TokenSkip.Core.Compression;
using TokenSkip.Core.Text;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Loading;
using TokenSkip.Models.Runtime;
using TokenSkip.Models.Transformer;
using static TorchSharp.torch;

namespace TokenSkip.Models.Compression;

/// <summary>
/// Self-information importance (Selective Context; the alternative the TokenSkip paper compares against): a causal
/// LM's <c>-log p(token | prefix)</c> in nats, aggregated to words.
/// </summary>
/// <remarks>
/// <para>
/// Words are <see cref="WordSegmenter"/>'s (runs of letters and digits; each other symbol alone), scored as one chunk
/// per text. The text is tokenized whole by the model's tokenizer, so probabilities are those of its canonical
/// tokenization, with the config's BOS token in front when it has one. A word's score is the sum of the
/// self-information of its tokens (by the chain rule, <c>-log p(word | prefix)</c>); a token that covers several words
/// is shared among them in proportion to the characters it covers in each, a token that covers only whitespace counts
/// for no word, and a token that only starts a multi-byte character counts for the word its character belongs to.
/// Without BOS the first token has no prediction and gets the mean self-information of the others.
/// </para>
/// <para>
/// Token spans come from decoding (whitespace differences, such as a dummy-prefix space, are tolerated); when the
/// decoded text differs otherwise (e.g. the tokenizer normalises characters), each word is tokenized with the
/// whitespace before it instead, giving exact attribution at the cost of a non-canonical tokenization. Texts longer
/// than the window are scored in windows that give each later token at least half a window of context.
/// </para>
/// <para>
/// Force tokens and keep-digits apply to whole words here: a word equal to a force token, or containing a digit with
/// <see cref="PruningOptions.KeepDigits"/>, gets <see cref="Ceiling"/> (<see cref="double.MaxValue"/>). Not thread-safe.
/// </para>
/// </remarks>
public sealed class SurprisalScorer : IImportanceScorer
{
    /// <summary>The scorer's provenance name.</summary>
    public const string ScorerName = "surprisal";

    /// <summary>The default longest forward pass, in tokens (bounds the [tokens, vocab] logits held in memory).</summary>
    public const int DefaultWindow = 512;

    private readonly CausalLanguageModel _model;
    private readonly ITextTokenizer _tokenizer;
    private readonly bool _ownsModel;
    private readonly int _window;

    /// <summary>Wraps a loaded model and its tokenizer.</summary>
    /// <param name="model">The causal LM.</param>
    /// <param name="tokenizer">Its tokenizer.</param>
    /// <param name="modelPath">Provenance; defaults to the folder the model was loaded from.</param>
    /// <param name="window">Longest forward pass in tokens (at most the model's context); at least 2.</param>
    /// <param name="ownsModel">Dispose the model with the scorer.</param>
    public SurprisalScorer(CausalLanguageModel model, ITextTokenizer tokenizer, string? modelPath = null, int window = DefaultWindow, bool ownsModel = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 2);
        _model = model;
        _tokenizer = tokenizer;
        _ownsModel = ownsModel;
        _window = Math.Min(window, model.Config.MaxPositions);
        ModelPath = modelPath ?? model.SourceFolder ?? "(in memory)";
    }

    /// <inheritdoc />
    public string Name => ScorerName;

    /// <inheritdoc />
    public string ModelPath { get; }

    /// <inheritdoc />
    public double Ceiling => double.MaxValue;

    /// <summary>The model's tokenizer.</summary>
    public ITextTokenizer Tokenizer => _tokenizer;

    /// <summary>Loads a causal LM folder (config.json, safetensors weights, tokenizer.json or vocab.json); the scorer owns the model.</summary>
    /// <exception cref="ModelFormatException">A model file is missing or malformed, or the folder has no tokenizer.</exception>
    public static SurprisalScorer Load(string folder, ModelLoadOptions? options = null, int window = DefaultWindow)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var bundle = ModelBundle.Load(folder, new ModelBundleOptions { Load = options ?? new ModelLoadOptions() });
        try
        {
            // The scorer takes the model over (the bundle holds nothing else that needs releasing).
            return new SurprisalScorer(bundle.Model, bundle.Tokenizer, bundle.Folder!, window, ownsModel: true);
        }
        catch
        {
            bundle.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<ScoredText> Score(IReadOnlyList<string> texts, PruningOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        options = (options ?? PruningOptions.None).Validate();
        var results = new ScoredText[texts.Count];
        for (var t = 0; t < texts.Count; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var text = texts[t] ?? throw new ArgumentException($"text {t} is null", nameof(texts));
            results[t] = ScoreText(text, options, cancellationToken);
        }

        return results;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsModel)
        {
            _model.Dispose();
        }
    }

    private ScoredText ScoreText(string text, PruningOptions options, CancellationToken cancellationToken)
    {
        var spans = WordSegmenter.Segment(text);
        if (spans.Count == 0)
        {
            return new ScoredText(text, []);
        }

        var (ids, shares, hasBos) = Attribute(text, spans);
        var surprisal = Surprisals(ids, cancellationToken);
        if (!hasBos && ids.Count > 0)
        {
            surprisal[0] = SurprisalAttribution.UnpredictedFirst(surprisal);
        }

        return SurprisalAttribution.ToScoredText(text, spans, surprisal, shares, options, Ceiling);
    }

    // The ids to run (BOS first when the config has one) and, per id, the words it counts for with their shares.
    private (List<int> Ids, List<(int Word, double Share)>[] Shares, bool HasBos) Attribute(string text, IReadOnlyList<TextSpan> words)
    {
        var bos = _model.Config.BosTokenId;

        // BOS is left out of the alignment: a tokenizer may decode it as text (Qwen's "<|endoftext|>").
        var textIds = _tokenizer.Encode(text);
        if (TokenSpanAligner.Align(_tokenizer, textIds, text) is not var (textSpans, textIncomplete))
        {
            return AttributeWordByWord(text, words, bos);
        }

        var textShares = SurprisalAttribution.Shares(textSpans, textIncomplete, words);
        return bos is { } b
            ? ([b, .. textIds], [[], .. textShares], true)
            : ([.. textIds], textShares, false);
    }

    private (List<int>, List<(int, double)>[], bool) AttributeWordByWord(string text, IReadOnlyList<TextSpan> words, int? bos)
    {
        var ids = new List<int>();
        var shares = new List<List<(int, double)>>();
        if (bos is { } b)
        {
            ids.Add(b);
            shares.Add([]);
        }

        var previousEnd = 0;
        for (var w = 0; w < words.Count; w++)
        {
            foreach (var id in _tokenizer.Encode(text[previousEnd..words[w].End]))
            {
                ids.Add(id);
                shares.Add([(w, 1.0)]);
            }

            previousEnd = words[w].End;
        }

        return (ids, shares.ToArray(), bos is not null);
    }

    // surprisal[i] = -log p(ids[i] | ids[..i]) for i ≥ 1; surprisal[0] is left 0.
    internal double[] Surprisals(IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        var count = ids.Count;
        var surprisal = new double[count];
        var done = 1;
        while (done < count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var start = done == 1 ? 0 : Math.Max(0, done - (_window / 2));
            var end = Math.Min(count, start + _window);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var window = tensor(ids.Skip(start).Take(end - start).Select(i => (long)i).ToArray(), ScalarType.Int64).unsqueeze(0);
            var logits = _model.Forward(window)[0];
            var rows = logits.narrow(0, done - 1 - start, end - done);
            var targets = tensor(ids.Skip(done).Take(end - done).Select(i => (long)i).ToArray(), ScalarType.Int64, rows.device).unsqueeze(1);
            var picked = (rows.logsumexp(1) - rows.gather(1, targets).squeeze(1)).cpu().contiguous();
            var values = picked.data<float>().ToArray();
            for (var k = 0; k < values.Length; k++)
            {
                surprisal[done + k] = values[k];
            }

            done = end;
        }

        return surprisal;
    }
}
