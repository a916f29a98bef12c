using TokenSkip.Core.Generation;
using TokenSkip.Core.Text;
using TokenSkip.Models.Transformer;
using static TorchSharp.torch;

namespace TokenSkip.Models.Inference;

/// <summary>
/// Continuous batching over one KV cache: each sequence owns a cache row (a slot) and its own options, stop conditions
/// and randomness; sequences <see cref="Join"/> and <see cref="Leave"/> between steps, and every <see cref="Step"/>
/// prefills waiting prompts (a bounded number of tokens) and then decodes one token for every running sequence.
/// No sequence waits for another to finish.
/// </summary>
/// <remarks>
/// Not thread-safe: one thread (the model's) calls <see cref="Join"/>, <see cref="Step"/> and <see cref="Leave"/>;
/// only <see cref="CheckPrompt"/> may be called from any thread. This is the only decoding loop: <see cref="TextGenerator"/>,
/// <see cref="LocalGenerationEngine"/> and the server's worker all run on it (the last two through
/// <see cref="BatchScheduler"/>). A sequence produces the same tokens whatever shares the batch with it (greedy, or
/// sampled with the same seed: each sequence has its own random stream), up to floating-point differences between batch
/// sizes. Slots of finished sequences are freed automatically.
/// </remarks>
public sealed class ContinuousBatch : IDisposable
{
    private readonly CausalLanguageModel _model;
    private readonly ITextTokenizer? _tokenizer;
    private readonly KvCache _cache;
    private readonly SequenceState?[] _slots;

    // Prompt tokens already in the cache, per slot; a slot is decoding once all of its prompt is.
    private readonly int[] _prefilled;

    // Slots whose prompt is not fully prefilled yet, in arrival order.
    private readonly List<int> _waiting = [];
    private readonly int _prefillChunk;

    /// <summary>Allocates the cache for <paramref name="model"/>; <paramref name="tokenizer"/> gives text output and stop strings.</summary>
    public ContinuousBatch(CausalLanguageModel model, ITextTokenizer? tokenizer, ContinuousBatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options = (options ?? new ContinuousBatchOptions()).Validate();
        _model = model;
        _tokenizer = tokenizer;
        SlotTokens = Math.Min(options.SlotTokens, model.Config.MaxPositions);
        _cache = model.CreateCache(options.Slots, SlotTokens);
        _slots = new SequenceState?[options.Slots];
        _prefilled = new int[options.Slots];
        _prefillChunk = options.PrefillChunkTokens;
    }

    /// <summary>How many sequences can run at once.</summary>
    public int SlotCount => _slots.Length;

    /// <summary>The tokens (prompt plus completion) one sequence may hold: the served context length.</summary>
    public int SlotTokens { get; }

    /// <summary>Sequences joined and not yet finished or left.</summary>
    public int ActiveCount { get; private set; }

    /// <summary>True when <see cref="Join"/> can take another sequence.</summary>
    public bool HasFreeSlot => ActiveCount < _slots.Length;

    /// <summary>Bytes held by the KV cache.</summary>
    public long CacheBytes => _cache.SizeInBytes;

    /// <summary>True while <paramref name="slot"/> holds a sequence.</summary>
    public bool IsActive(int slot) => _slots[slot] is not null;

    /// <summary>Checks that <paramref name="promptIds"/> can be generated from in one slot; safe from any thread.</summary>
    /// <exception cref="TokenSkip.Core.Engine.InvalidRequestException">The prompt is empty, holds an id outside the vocabulary, or leaves no room in a slot.</exception>
    public void CheckPrompt(IReadOnlyList<int> promptIds)
    {
        ArgumentNullException.ThrowIfNull(promptIds);
        PromptCheck.Validate(promptIds, "prompt", _model.Config.VocabularySize, SlotTokens);
    }

    /// <summary>
    /// Takes a free slot for a new sequence; its prompt is prefilled by the next steps and its first token comes with the
    /// step that completes the prefill. At most min(<c>MaxNewTokens</c>, <see cref="SlotTokens"/> − prompt) tokens are generated.
    /// </summary>
    /// <returns>The slot, which every <see cref="GenerationUpdate.RequestIndex"/> of this sequence carries.</returns>
    /// <exception cref="TokenSkip.Core.Engine.InvalidRequestException">The prompt or the options are invalid.</exception>
    /// <exception cref="InvalidOperationException">Every slot is taken.</exception>
    public int Join(IReadOnlyList<int> promptIds, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CheckPrompt(promptIds);
        var slot = Array.IndexOf(_slots, null);
        if (slot < 0)
        {
            throw new InvalidOperationException($"all {_slots.Length} slots of the batch are taken");
        }

        var stopIds = options.StopTokenIds.Concat(options.IgnoreEndOfSequence ? [] : _model.Config.EosTokenIds).ToHashSet();
        var maxNewTokens = Math.Min(options.MaxNewTokens, SlotTokens - promptIds.Count);
        _slots[slot] = new SequenceState(slot, [.. promptIds], maxNewTokens, options, stopIds, _tokenizer);
        _prefilled[slot] = 0;
        _cache.Reset(slot);
        _waiting.Add(slot);
        ActiveCount++;
        return slot;
    }

    /// <summary>
    /// Runs one step: prefills waiting prompts (up to the chunk budget, in arrival order), then decodes one token for every
    /// sequence whose prompt is in the cache. Returns one update per generated token; a sequence's last update is final
    /// (finish reason and usage set) and its slot is free again.
    /// </summary>
    public IReadOnlyList<GenerationUpdate> Step()
    {
        using var noGrad = no_grad();
        var updates = new List<GenerationUpdate>();
        PrefillWaiting(updates);
        DecodeRunning(updates);
        return updates;
    }

    /// <summary>Removes the sequence in <paramref name="slot"/> (cancelled or timed out); does nothing for a free slot.</summary>
    public void Leave(int slot)
    {
        if (_slots[slot] is null)
        {
            return;
        }

        _slots[slot] = null;
        _waiting.Remove(slot);
        _cache.Reset(slot);
        ActiveCount--;
    }

    /// <inheritdoc />
    public void Dispose() => _cache.Dispose();

    private void PrefillWaiting(List<GenerationUpdate> updates)
    {
        var budget = _prefillChunk;
        while (budget > 0 && _waiting.Count > 0)
        {
            var slot = _waiting[0];
            var sequence = _slots[slot]!;
            var done = _prefilled[slot];
            var take = Math.Min(sequence.PromptIds.Count - done, budget);
            var scorePrompt = sequence.PromptLogprobs is not null;
            using var logits = _model.Prefill(_cache, slot, Slice(sequence.PromptIds, done, take), allPositions: scorePrompt);
            if (scorePrompt)
            {
                ScorePrompt(sequence, logits, done, take);
            }

            _prefilled[slot] = done + take;
            budget -= take;
            if (_prefilled[slot] < sequence.PromptIds.Count)
            {
                return;
            }

            _waiting.RemoveAt(0);
            using var lastRow = scorePrompt ? logits.narrow(0, take - 1, 1) : null;
            var last = lastRow ?? logits;
            var token = TokenSampler.Sample(last, [sequence])[0];
            Emit(sequence, token, sequence.Options.Logprobs is { } top ? LogprobPicker.Pick(last, [token], top)[0] : null, updates);
        }
    }

    // Row j of a chunk's logits predicts prompt token done + j + 1; the chunk's last row predicts the next chunk's first.
    private static void ScorePrompt(SequenceState sequence, Tensor logits, int done, int take)
    {
        var count = Math.Min(take, sequence.PromptIds.Count - 1 - done);
        if (count > 0)
        {
            using var rows = logits.narrow(0, 0, count);
            sequence.PromptLogprobs!.AddRange(LogprobPicker.Pick(rows, Slice(sequence.PromptIds, done + 1, count), sequence.Options.PromptLogprobs!.Value));
        }
    }

    private void DecodeRunning(List<GenerationUpdate> updates)
    {
        var running = _slots
            .Where(s => s is not null && _prefilled[s.Index] == s.PromptIds.Count)
            .Select(s => s!)
            .ToList();
        if (running.Count == 0)
        {
            return;
        }

        using var logits = _model.DecodeStep(_cache, running.Select(s => s.Index).ToArray(), running.Select(s => s.LastToken).ToArray());
        var next = TokenSampler.Sample(logits, running);
        var logprobs = TokenLogprobs(logits, running, next);
        for (var i = 0; i < running.Count; i++)
        {
            Emit(running[i], next[i], logprobs[i], updates);
        }
    }

    // The chosen tokens' log-probabilities for the rows that asked for them, in one pass (alternatives cut to each row's own count).
    private static TokenLogprob?[] TokenLogprobs(Tensor logits, List<SequenceState> running, int[] chosen)
    {
        var result = new TokenLogprob?[running.Count];
        var rows = Enumerable.Range(0, running.Count).Where(i => running[i].Options.Logprobs is not null).ToArray();
        if (rows.Length == 0)
        {
            return result;
        }

        var top = rows.Max(i => running[i].Options.Logprobs!.Value);
        using var index = tensor(rows.Select(i => (long)i).ToArray(), ScalarType.Int64, logits.device);
        using var picked = logits.index_select(0, index);
        var values = LogprobPicker.Pick(picked, rows.Select(i => chosen[i]).ToArray(), top);
        for (var k = 0; k < rows.Length; k++)
        {
            var own = running[rows[k]].Options.Logprobs!.Value;
            result[rows[k]] = values[k].Top.Count > own ? values[k] with { Top = values[k].Top.Take(own).ToArray() } : values[k];
        }

        return result;
    }

    private void Emit(SequenceState sequence, int token, TokenLogprob? logprob, List<GenerationUpdate> updates)
    {
        var first = sequence.OutputIds.Count == 0;
        var delta = sequence.Append(token);
        updates.Add(new GenerationUpdate(sequence.Index, token, delta, sequence.FinishReason,
            sequence.IsFinished ? sequence.ToResult().Usage : null)
        {
            Logprob = logprob,
            PromptLogprobs = first ? sequence.PromptLogprobs : null,
        });
        if (sequence.IsFinished)
        {
            Leave(sequence.Index);
        }
    }

    private static int[] Slice(IReadOnlyList<int> ids, int start, int count)
    {
        var slice = new int[count];
        for (var i = 0; i < count; i++)
        {
            slice[i] = ids[start + i];
        }

        return slice;
    }
}
