using TokenSkip.Core.Generation;
using TokenSkip.Core.Text;

namespace TokenSkip.Hosting.Api;

/// <summary>
/// Collects a text completion's log-probabilities from its updates (the prompt's, for <c>echo</c>, then each generated
/// token's) and shapes them as <see cref="TextLogprobs"/>.
/// </summary>
/// <remarks>
/// Token texts come from decoding incrementally, so they concatenate to the decoded text exactly: a token that ends
/// inside a multi-byte character has empty text and the token that completes the character carries all of it.
/// <c>text_offset</c> counts characters (UTF-16) as vLLM does: from 0 over the echoed prompt, and after the prompt
/// (<paramref name="completionOffset"/>) for generated tokens; <paramref name="echoedPrompt"/> (the prompt's ids, with
/// <c>echo</c>) puts the prompt's tokens first. <c>top_logprobs</c> holds the position's own token plus
/// the most likely ones (vLLM's rule); alternatives decoding to the same text keep the most likely. Log-probabilities
/// are clamped to -9999 (JSON has no infinity), as vLLM does.
/// </remarks>
internal sealed class TextLogprobsBuilder(ITextTokenizer tokenizer, IReadOnlyList<int>? echoedPrompt, int completionOffset)
{
    private const double Floor = -9999.0;

    private readonly List<string> _tokens = [];
    private readonly List<double?> _logprobs = [];
    private readonly List<IReadOnlyDictionary<string, double>?> _top = [];
    private readonly List<int> _offsets = [];
    private IncrementalDecoder? _completion;
    private int _completionChars;
    private int _promptCount;

    /// <summary>Takes what one update carries (prompt log-probabilities on the first, the token's own on each).</summary>
    public void Observe(GenerationUpdate update)
    {
        if (echoedPrompt is not null && update.PromptLogprobs is { } prompt)
        {
            AddPrompt(echoedPrompt, prompt);
        }

        if (update.TokenId is { } id && update.Logprob is { } logprob)
        {
            _completion ??= new IncrementalDecoder(tokenizer);
            var text = _completion.Push(id);
            if (update.IsFinal)
            {
                text += _completion.Flush();
            }

            Add(text, completionOffset + _completionChars, logprob);
            _completionChars += text.Length;
        }
    }

    /// <summary>The log-probabilities so far; <paramref name="promptOnly"/> leaves out generated tokens (<c>max_tokens: 0</c>).</summary>
    public TextLogprobs Build(bool promptOnly)
    {
        var count = promptOnly ? _promptCount : _tokens.Count;
        return new TextLogprobs(_tokens[..count], _logprobs[..count], _top[..count], _offsets[..count]);
    }

    private void AddPrompt(IReadOnlyList<int> ids, IReadOnlyList<TokenLogprob?> logprobs)
    {
        var decoder = new IncrementalDecoder(tokenizer);
        var offset = 0;
        for (var i = 0; i < ids.Count; i++)
        {
            var text = decoder.Push(ids[i]);
            if (i == ids.Count - 1)
            {
                text += decoder.Flush();
            }

            Add(text, offset, i < logprobs.Count ? logprobs[i] : null);
            offset += text.Length;
        }

        _promptCount = _tokens.Count;
    }

    private void Add(string text, int offset, TokenLogprob? logprob)
    {
        _tokens.Add(text);
        _offsets.Add(offset);
        _logprobs.Add(logprob is null ? null : Math.Max(Floor, logprob.Logprob));
        _top.Add(logprob is null ? null : TopOf(logprob));
    }

    private Dictionary<string, double> TopOf(TokenLogprob logprob)
    {
        var top = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (id, value) in logprob.Top.Select(a => (a.TokenId, a.Logprob)).Prepend((logprob.TokenId, logprob.Logprob)))
        {
            var text = tokenizer.Decode([id]);
            top[text] = Math.Max(Floor, top.TryGetValue(text, out var seen) ? Math.Max(seen, value) : value);
        }

        return top;
    }
}
