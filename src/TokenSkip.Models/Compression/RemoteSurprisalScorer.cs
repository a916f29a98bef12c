using TokenSkip.Core.Compression;
using TokenSkip.Core.Engine;

namespace TokenSkip.Models.Compression;

/// <summary>
/// <see cref="SurprisalScorer"/>'s self-information importance, with the log-probabilities computed by a server
/// (<see cref="IPromptLogprobSource"/>: <c>echo: true, logprobs, max_tokens: 0</c> on an OpenAI-compatible
/// <c>/v1/completions</c>, as vLLM, llama.cpp's server and <c>tokenskip serve</c> answer it). Words and their attribution
/// are the local scorer's (the same shared code), so on the same model and tokenization both give the same scores up to
/// floating-point differences.
/// </summary>
/// <remarks>
/// <para>
/// The server's tokens are matched to the text by their texts (whitespace differences tolerated); leading tokens that
/// are not part of the text (a BOS the server added, or <see cref="RemoteSurprisalOptions.PromptPrefix"/>) are context
/// only. A text token without a log-probability (the first, when nothing precedes it) gets the mean of the others, as
/// in <see cref="SurprisalScorer"/>. Unlike the local scorer there is no word-by-word fallback when the tokens do not
/// spell the text (a normalising tokenizer): that is an <see cref="InvalidDataException"/>.
/// </para>
/// <para>
/// <see cref="Score"/> blocks on the requests (<see cref="IImportanceScorer"/> is synchronous); texts are scored
/// <see cref="RemoteSurprisalOptions.MaxConcurrency"/> at a time. Retries and balancing are the source's business.
/// </para>
/// </remarks>
public sealed class RemoteSurprisalScorer : IImportanceScorer
{
    // A server may put BOS (and the prefix) before the text; more leading context tokens than this is a mismatch.
    private const int MaxContextTokens = 4;

    private readonly IPromptLogprobSource _source;
    private readonly RemoteSurprisalOptions _options;
    private readonly bool _ownsSource;

    /// <summary>Scores through <paramref name="source"/>.</summary>
    /// <param name="source">The server (or servers) that score prompts.</param>
    /// <param name="modelName">Provenance: what scored, e.g. the endpoint and served model name.</param>
    /// <param name="options">Prefix and concurrency.</param>
    /// <param name="ownsSource">Dispose <paramref name="source"/> (when it is disposable) with the scorer.</param>
    public RemoteSurprisalScorer(IPromptLogprobSource source, string modelName, RemoteSurprisalOptions? options = null, bool ownsSource = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(modelName);
        _source = source;
        _options = (options ?? new RemoteSurprisalOptions()).Validate();
        _ownsSource = ownsSource;
        ModelPath = modelName;
    }

    /// <inheritdoc />
    /// <remarks>The local scorer's name: the scores are the same quantity.</remarks>
    public string Name => SurprisalScorer.ScorerName;

    /// <inheritdoc />
    public string ModelPath { get; }

    /// <inheritdoc />
    public double Ceiling => double.MaxValue;

    /// <inheritdoc />
    /// <exception cref="InvalidDataException">The server's answer does not fit the text (the message says how).</exception>
    public IReadOnlyList<ScoredText> Score(IReadOnlyList<string> texts, PruningOptions? options = null, CancellationToken cancellationToken = default) =>
        ScoreAsync(texts, options, cancellationToken).GetAwaiter().GetResult();

    /// <summary>The asynchronous form of <see cref="Score"/>.</summary>
    /// <exception cref="InvalidDataException">The server's answer does not fit the text (the message says how).</exception>
    public async Task<IReadOnlyList<ScoredText>> ScoreAsync(IReadOnlyList<string> texts, PruningOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        options = (options ?? PruningOptions.None).Validate();
        for (var t = 0; t < texts.Count; t++)
        {
            _ = texts[t] ?? throw new ArgumentException($"text {t} is null", nameof(texts));
        }

        var results = new ScoredText[texts.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, texts.Count), parallel, async (t, token) =>
            results[t] = await ScoreTextAsync(texts[t], options, token).ConfigureAwait(false)).ConfigureAwait(false);
        return results;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsSource && _source is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    private async Task<ScoredText> ScoreTextAsync(string text, PruningOptions options, CancellationToken cancellationToken)
    {
        var words = WordSegmenter.Segment(text);
        if (words.Count == 0)
        {
            return new ScoredText(text, []);
        }

        var answer = await _source.GetPromptLogprobsAsync(_options.PromptPrefix + text, cancellationToken).ConfigureAwait(false);
        if (answer.Tokens.Count != answer.TokenLogprobs.Count)
        {
            throw new InvalidDataException(
                $"the scoring server returned {answer.Tokens.Count} tokens but {answer.TokenLogprobs.Count} token_logprobs");
        }

        var (context, spans, incomplete) = Align(answer.Tokens, text);
        var surprisal = new double[spans.Length];
        var predicted = new List<int>();
        for (var i = 0; i < spans.Length; i++)
        {
            if (answer.TokenLogprobs[context + i] is { } logprob)
            {
                surprisal[i] = -logprob;
                predicted.Add(i);
            }
        }

        // Tokens nothing predicts (the first, without BOS in front) get the mean of the others, as the local scorer's first token does.
        var mean = predicted.Count == 0 ? 0.0 : predicted.Average(i => surprisal[i]);
        for (var i = 0; i < spans.Length; i++)
        {
            if (answer.TokenLogprobs[context + i] is null)
            {
                surprisal[i] = mean;
            }
        }

        var shares = SurprisalAttribution.Shares(spans, incomplete, words);
        return SurprisalAttribution.ToScoredText(text, words, surprisal, shares, options, Ceiling);
    }

    // How many leading tokens are context (BOS, prefix), and the spans of the rest in the text.
    private static (int Context, TextSpan[] Spans, bool[] Incomplete) Align(IReadOnlyList<string> tokens, string text)
    {
        for (var context = 0; context <= Math.Min(MaxContextTokens, tokens.Count - 1); context++)
        {
            if (tokens[context].Length > 0 && TokenSpanAligner.AlignPieces(tokens.Skip(context).ToArray(), text) is var (spans, incomplete))
            {
                return (context, spans, incomplete);
            }
        }

        throw new InvalidDataException(
            $"the scoring server's tokens spell \"{Clip(string.Concat(tokens))}\", which is not the scored text \"{Clip(text)}\" " +
            $"after at most {MaxContextTokens} leading context tokens; is the server's model the target model?");
    }

    private static string Clip(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
