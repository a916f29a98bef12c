using System.Text;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Text;
using TokenSkip.Models.Transformer;

namespace TokenSkip.Models.Inference;

/// <summary>
/// Synchronous generation over a <see cref="CausalLanguageModel"/>: a batch of prompts of different lengths decodes
/// together in one <see cref="ContinuousBatch"/> sized for it (one slot per prompt, each as long as its prompt plus its
/// completion can be), finished rows dropping out. Tokens stream through a callback as they are produced.
/// </summary>
/// <remarks>
/// Call from one thread at a time (the model's); cancellation is checked before every step. For many callers on other
/// threads, <see cref="LocalGenerationEngine"/> serves the same batch from its own model thread.
/// </remarks>
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
        ArgumentNullException.ThrowIfNull(prompts);
        options = (options ?? new GenerationOptions()).Validate();
        if (prompts.Count == 0)
        {
            return [];
        }

        // Every prompt is checked against the model's context before anything runs; each slot then holds exactly its
        // prompt plus min(MaxNewTokens, context - prompt) tokens, and the whole batch prefills in the first step.
        var capacity = prompts.Select((p, i) => p.Count + MaxNewTokensFor(p, i, options)).Max();
        using var batch = new ContinuousBatch(_model, Tokenizer, new ContinuousBatchOptions
        {
            Slots = prompts.Count,
            SlotTokens = capacity,
            PrefillChunkTokens = prompts.Sum(p => p.Count),
        });
        foreach (var prompt in prompts)
        {
            batch.Join(prompt, options); // a fresh batch fills its slots in order: slot i is prompt i
        }

        var outputs = prompts.Select(_ => new List<int>()).ToArray();
        var texts = prompts.Select(_ => new StringBuilder()).ToArray();
        var finals = new GenerationUpdate[prompts.Count];
        while (batch.ActiveCount > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var update in batch.Step())
            {
                var i = update.RequestIndex;
                outputs[i].Add(update.TokenId!.Value);
                texts[i].Append(update.TextDelta);
                if (update.IsFinal)
                {
                    finals[i] = update;
                }

                onUpdate?.Invoke(update);
            }
        }

        return prompts.Select((p, i) => new GenerationResult(p, outputs[i].ToArray(), Tokenizer is null ? null : texts[i].ToString(),
            finals[i].FinishReason!.Value, finals[i].Usage!)).ToArray();
    }

    private int MaxNewTokensFor(IReadOnlyList<int> prompt, int index, GenerationOptions options)
    {
        var context = _model.Config.MaxPositions;
        PromptCheck.Validate(prompt, $"prompt {index}", _model.Config.VocabularySize, context);
        return Math.Min(options.MaxNewTokens, context - prompt.Count);
    }
}
