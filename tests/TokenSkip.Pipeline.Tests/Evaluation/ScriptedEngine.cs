using System.Runtime.CompilerServices;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;

namespace TokenSkip.Pipeline.Tests.Evaluation;

/// <summary>
/// A fake engine with scripted outputs: one token per whitespace-separated word, plus a stop token when the output is
/// complete, one millisecond per token. Time is simulated as a continuous batch of <c>slots</c> sequences: a request
/// starts when it is submitted or, with every slot busy, when the first slot frees up, and it never slows the others
/// down. So requests submitted together (one batch) share their time, and requests one after the other add up.
/// </summary>
internal sealed class ScriptedEngine(Func<string, string?, string> script, int slots = 2) : IGenerationEngine
{
    private readonly long[] _slotFreeAt = new long[slots];
    private readonly List<(string Question, string? Gamma, int MaxNewTokens, long Start)> _calls = [];

    public SimulatedClock Clock { get; } = new();

    /// <summary>Every request: the question, γ text ("0.6", or null for the γ = 1 prompt), the requests that started with it, and the token limit.</summary>
    public IReadOnlyList<(string Question, string? Gamma, int BatchSize, int MaxNewTokens)> Calls =>
        _calls.Select(c => (c.Question, c.Gamma, _calls.Count(o => o.Start == c.Start), c.MaxNewTokens)).ToArray();

    /// <summary>Called before each request; a test uses it to cancel mid-run.</summary>
    public Action? BeforeCall { get; set; }

    public EngineInfo Info { get; } = new("scripted", ModelFamily.Qwen2, 4096);

    public int CountTokens(string text) => Words(text).Length;

    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        BeforeCall?.Invoke();
        cancellationToken.ThrowIfCancellationRequested();
        var maxNewTokens = request.Options.MaxNewTokens;
        var (question, gamma) = Parse(request.PromptText!);
        var words = Words(script(question, gamma));
        var (text, tokens, reason) = words.Length + 1 <= maxNewTokens
            ? (script(question, gamma), words.Length + 1, FinishReason.Stop)
            : (string.Join(" ", words.Take(maxNewTokens)), maxNewTokens, FinishReason.Length);

        var slot = Array.IndexOf(_slotFreeAt, _slotFreeAt.Min());
        var start = Math.Max(Clock.Now, _slotFreeAt[slot]);
        _slotFreeAt[slot] = start + tokens;
        Clock.FinishAt(start + tokens);
        _calls.Add((question, gamma, maxNewTokens, start));
        yield return new GenerationUpdate(0, tokens, text, reason, new GenerationUsage(Words(request.PromptText!).Length, tokens));
    }

    private static string[] Words(string text) => text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);

    // Reads the question and γ back out of TokenSkip's Qwen prompt.
    private static (string Question, string? Gamma) Parse(string prompt)
    {
        var start = prompt.IndexOf(TokenSkipPromptBuilder.Instruction, StringComparison.Ordinal) + TokenSkipPromptBuilder.Instruction.Length + 1;
        var end = prompt.IndexOf("<|im_end|>\n<|im_start|>assistant", start, StringComparison.Ordinal);
        var user = prompt[start..end];
        var ratio = user.IndexOf(TokenSkipPromptBuilder.RatioDelimiter, StringComparison.Ordinal);
        return ratio < 0
            ? (user, null)
            : (user[..ratio], user[(ratio + TokenSkipPromptBuilder.RatioDelimiter.Length)..^TokenSkipPromptBuilder.RatioDelimiter.Length]);
    }
}
