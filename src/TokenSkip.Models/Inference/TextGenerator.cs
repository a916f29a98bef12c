using TokenSkip.Core.Generation;
using TokenSkip.Core.Text;
using TokenSkip.Models.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace TokenSkip.Models.Inference;

/// <summary>
/// Autoregressive generation over a <see cref="CausalLanguageModel"/>: a batch of prompts of different lengths
/// shares one preallocated KV cache (one row each); every step decodes all unfinished rows together, and finished
/// rows drop out. Tokens stream through a callback as they are produced.
/// </summary>
/// <remarks>Call from one thread at a time (the model's thread); cancellation is checked before every step.</remarks>
public sealed class TextGenerator
{
    private readonly CausalLanguageModel _model;

    /// <summary>Creates a generator; <paramref name="tokenizer"/> is needed for text prompts, text output and stop strings.</summary>
    public TextGenerator(CausalLanguageModel model, ITextTokenizer? tokenizer = null)
    {
        _model = model;
        Tokenizer = tokenizer;
    }

    /// <summary>The tokenizer, if any.</summary>
    public ITextTokenizer? Tokenizer { get; }

    /// <summary>The model.</summary>
    public CausalLanguageModel Model => _model;

    /// <summary>Generates a continuation of <paramref name="prompt"/> (encoded without added special tokens).</summary>
    public GenerationResult Generate(string prompt, GenerationOptions? options = null,
        Action<GenerationUpdate>? onUpdate = null, CancellationToken cancellationToken = default)
    {
        var tokenizer = Tokenizer ?? throw new InvalidOperationException("a text prompt needs a tokenizer; pass token ids instead");
        return Generate(tokenizer.Encode(prompt), options, onUpdate, cancellationToken);
    }

    /// <summary>Generates a continuation of <paramref name="promptIds"/>.</summary>
    public GenerationResult Generate(IReadOnlyList<int> promptIds, GenerationOptions? options = null,
        Action<GenerationUpdate>? onUpdate = null, CancellationToken cancellationToken = default) =>
        GenerateBatch([promptIds], options, onUpdate, cancellationToken)[0];

    /// <summary>
    /// Generates continuations for several prompts at once. Results come back in the order of
    /// <paramref name="prompts"/>; updates carry the prompt's index.
    /// </summary>
    /// <exception cref="TokenSkip.Core.Engine.InvalidRequestException">A prompt is empty, holds an id outside the vocabulary, or does not fit the context.</exception>
    /// <exception cref="OperationCanceledException">Cancellation was requested.</exception>
    public IReadOnlyList<GenerationResult> GenerateBatch(IReadOnlyList<IReadOnlyList<int>> prompts,
        GenerationOptions? options = null, Action<GenerationUpdate>? onUpdate = null, CancellationToken cancellationToken = default)
    {
        options = (options ?? new GenerationOptions()).Validate();
        if (prompts.Count == 0)
        {
            return [];
        }

        var stopIds = options.StopTokenIds.Concat(options.IgnoreEndOfSequence ? [] : _model.Config.EosTokenIds).ToHashSet();
        var sequences = prompts.Select((p, i) => new SequenceState(i, p, MaxNewTokensFor(p, i, options), options, stopIds, Tokenizer)).ToList();
        var capacity = sequences.Max(s => s.PromptIds.Count + s.MaxNewTokens);

        using var noGrad = no_grad();
        using var cache = _model.CreateCache(sequences.Count, capacity);
        var logits = Prefill(cache, sequences, cancellationToken);
        var active = sequences;
        try
        {
            while (true)
            {
                var next = TokenSampler.Sample(logits, active);
                for (var i = 0; i < active.Count; i++)
                {
                    var sequence = active[i];
                    var delta = sequence.Append(next[i]);
                    onUpdate?.Invoke(new GenerationUpdate(sequence.Index, next[i], delta, sequence.FinishReason,
                        sequence.IsFinished ? sequence.ToResult().Usage : null));
                }

                active = active.Where(s => !s.IsFinished).ToList();
                logits.Dispose();
                if (active.Count == 0)
                {
                    break;
                }

                cancellationToken.ThrowIfCancellationRequested();
                logits = _model.DecodeStep(cache, active.Select(s => s.Index).ToArray(), active.Select(s => s.LastToken).ToArray());
            }
        }
        finally
        {
            logits.Dispose();
        }

        return sequences.Select(s => s.ToResult()).ToArray();
    }

    private Tensor Prefill(KvCache cache, List<SequenceState> sequences, CancellationToken cancellationToken)
    {
        using var scope = NewDisposeScope();
        var rows = new List<Tensor>(sequences.Count);
        foreach (var sequence in sequences)
        {
            cancellationToken.ThrowIfCancellationRequested();
            rows.Add(_model.Prefill(cache, sequence.Index, sequence.PromptIds));
        }

        return cat(rows, 0).MoveToOuterDisposeScope();
    }

    private int MaxNewTokensFor(IReadOnlyList<int> prompt, int index, GenerationOptions options)
    {
        var context = _model.Config.MaxPositions;
        PromptCheck.Validate(prompt, $"prompt {index}", _model.Config.VocabularySize, context);
        return Math.Min(options.MaxNewTokens, context - prompt.Count);
    }
}
