using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;
using TokenSkip.Pipeline.Evaluation;

namespace TokenSkip.Pipeline.Tests.Evaluation;

/// <summary>
/// A fake model with scripted outputs: one token per whitespace-separated word, plus a stop token when the output
/// is complete. Each call moves <see cref="Clock"/> by one millisecond per token of the longest output in the batch.
/// </summary>
internal sealed class ScriptedModel(Func<string, string?, string> script) : IEvaluationModel
{
    public ManualClock Clock { get; } = new();

    /// <summary>Every call: the question, γ text ("0.6", or null for the γ = 1 prompt), batch size and token limit.</summary>
    public List<(string Question, string? Gamma, int BatchSize, int MaxNewTokens)> Calls { get; } = [];

    /// <summary>Called before each completion; a test uses it to cancel mid-run.</summary>
    public Action? BeforeCall { get; set; }

    public ModelFamily Family => ModelFamily.Qwen2;

    public int CountTokens(string text) => Words(text).Length;

    public IReadOnlyList<ModelCompletion> Complete(IReadOnlyList<string> prompts, int maxNewTokens, CancellationToken cancellationToken)
    {
        BeforeCall?.Invoke();
        cancellationToken.ThrowIfCancellationRequested();
        var completions = new List<ModelCompletion>();
        foreach (var prompt in prompts)
        {
            var (question, gamma) = Parse(prompt);
            Calls.Add((question, gamma, prompts.Count, maxNewTokens));
            var words = Words(script(question, gamma));
            completions.Add(words.Length + 1 <= maxNewTokens
                ? new ModelCompletion(script(question, gamma), words.Length + 1, FinishReason.Stop)
                : new ModelCompletion(string.Join(" ", words.Take(maxNewTokens)), maxNewTokens, FinishReason.Length));
        }

        Clock.Advance(completions.Max(c => c.GeneratedTokens));
        return completions;
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
