using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Text;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Transformer;

namespace TokenSkip.Models.Tests.Inference;

/// <summary>
/// Scores prompts as a server does for <c>echo, logprobs: 0, max_tokens: 0</c>, in process: the prompt log-probabilities
/// of a <see cref="ContinuousBatch"/> prefill (chunked), token texts by incremental decoding, and optionally a BOS the
/// "server" adds in front (as vLLM does for LLaMA).
/// </summary>
internal sealed class BatchPromptLogprobSource(CausalLanguageModel model, ITextTokenizer tokenizer, int? addBos, int prefillChunk) : IPromptLogprobSource
{
    public Task<PromptLogprobs> GetPromptLogprobsAsync(string prompt, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<int> ids = addBos is { } bos ? [bos, .. tokenizer.Encode(prompt)] : tokenizer.Encode(prompt);
        var logprobs = Score(model, tokenizer, ids, prefillChunk);
        var decoder = new IncrementalDecoder(tokenizer);
        var tokens = ids.Select(decoder.Push).ToArray();
        tokens[^1] += decoder.Flush();
        var offsets = new int[tokens.Length];
        for (var i = 1; i < tokens.Length; i++)
        {
            offsets[i] = offsets[i - 1] + tokens[i - 1].Length;
        }

        return Task.FromResult(new PromptLogprobs(tokens, logprobs.Select(l => l?.Logprob).ToArray(), offsets));
    }

    /// <summary>The first update's prompt log-probabilities of <paramref name="ids"/> run alone through a batch.</summary>
    public static IReadOnlyList<TokenLogprob?> Score(CausalLanguageModel model, ITextTokenizer tokenizer, IReadOnlyList<int> ids, int prefillChunk, int top = 0)
    {
        using var batch = new ContinuousBatch(model, tokenizer, new ContinuousBatchOptions { Slots = 2, SlotTokens = ids.Count + 4, PrefillChunkTokens = prefillChunk });
        batch.Join(ids, new GenerationOptions { MaxNewTokens = 1, PromptLogprobs = top, IgnoreEndOfSequence = true });
        while (true)
        {
            if (batch.Step() is [var first, ..])
            {
                return first.PromptLogprobs!;
            }
        }
    }
}
