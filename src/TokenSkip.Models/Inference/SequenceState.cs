using TokenSkip.Core.Generation;
using TokenSkip.Core.Text;

namespace TokenSkip.Models.Inference;

/// <summary>The evolving state of one sequence during generation: its options, tokens, text, stop checks and randomness.</summary>
internal sealed class SequenceState
{
    private readonly IncrementalDecoder? _decoder;
    private readonly StopSequenceFilter _stopFilter;
    private readonly System.Text.StringBuilder _text = new();
    private readonly HashSet<int> _stopIds;

    public SequenceState(int index, IReadOnlyList<int> promptIds, int maxNewTokens, GenerationOptions options,
        IReadOnlyCollection<int> stopIds, ITextTokenizer? tokenizer)
    {
        Index = index;
        PromptIds = promptIds;
        Options = options;
        MaxNewTokens = maxNewTokens;
        _stopIds = [.. stopIds];
        _decoder = tokenizer is null ? null : new IncrementalDecoder(tokenizer);
        _stopFilter = new StopSequenceFilter(options.StopStrings);
        Random = new Random(options.Seed ?? System.Random.Shared.Next());
        SeenTokens = [.. promptIds];
        PromptLogprobs = options.PromptLogprobs is null ? null : [null];
    }

    /// <summary>The prompt's log-probabilities so far (null for the first token), when the options ask for them.</summary>
    public List<TokenLogprob?>? PromptLogprobs { get; }

    public int Index { get; }

    public IReadOnlyList<int> PromptIds { get; }

    /// <summary>This sequence's decoding options (sampling knobs, seed, stop strings).</summary>
    public GenerationOptions Options { get; }

    public List<int> OutputIds { get; } = [];

    public HashSet<int> SeenTokens { get; }

    public int MaxNewTokens { get; }

    public Random Random { get; }

    public FinishReason? FinishReason { get; private set; }

    public bool IsFinished => FinishReason is not null;

    public int LastToken => OutputIds.Count > 0 ? OutputIds[^1] : PromptIds[^1];

    /// <summary>Appends a token and returns the text it completes (empty for a stop token or held-back text).</summary>
    public string Append(int token)
    {
        OutputIds.Add(token);
        SeenTokens.Add(token);
        if (_stopIds.Contains(token))
        {
            FinishReason = Core.Generation.FinishReason.Stop;
            return Finish();
        }

        var delta = _decoder is null ? string.Empty : _stopFilter.Push(_decoder.Push(token));
        _text.Append(delta);
        if (_stopFilter.Stopped)
        {
            FinishReason = Core.Generation.FinishReason.Stop;
        }
        else if (OutputIds.Count >= MaxNewTokens)
        {
            FinishReason = Core.Generation.FinishReason.Length;
            delta += Finish();
        }

        return delta;
    }

    public GenerationResult ToResult() => new(
        PromptIds,
        OutputIds.ToArray(),
        _decoder is null ? null : _text.ToString(),
        FinishReason ?? Core.Generation.FinishReason.Length,
        new GenerationUsage(PromptIds.Count, OutputIds.Count));

    // Flushes held-back bytes and text at the end of a sequence.
    private string Finish()
    {
        if (_decoder is null)
        {
            return string.Empty;
        }

        var rest = _stopFilter.Push(_decoder.Flush()) + _stopFilter.Flush();
        _text.Append(rest);
        return rest;
    }
}
