using TokenSkip.Core.Generation;

namespace TokenSkip.Hosting.Api;

/// <summary>
/// Text completions: <c>text_completion</c> objects, streamed as events of the same shape. With <c>echo</c> the prompt
/// text comes first (a stream opens with it); with <c>logprobs</c> the choice carries them; a score-only request
/// (<c>echo</c> with <c>max_tokens: 0</c>) answers with the prompt alone, finish reason <c>length</c> and no completion tokens.
/// </summary>
/// <param name="id">The completion's id.</param>
/// <param name="created">Unix seconds.</param>
/// <param name="model">The served model's id.</param>
/// <param name="echo">The prompt text to put before the completion, or null.</param>
/// <param name="logprobs">Collects the log-probabilities to return, or null when none were asked for.</param>
/// <param name="scoreOnly">
/// The request asked for no completion (<c>max_tokens: 0</c>): the one token the engine generates to finish the prefill
/// is dropped from text, log-probabilities and usage, as vLLM does.
/// </param>
internal sealed class TextCompletionFormat(string id, long created, string model, string? echo = null, TextLogprobsBuilder? logprobs = null,
    bool scoreOnly = false) : ICompletionFormat
{
    public object? OpeningChunk() => string.IsNullOrEmpty(echo) ? null : Event(new TextChoice(echo, null), null);

    public object? TextChunk(string text) => scoreOnly ? null : Event(new TextChoice(text, null), null);

    public object FinishChunk(string finishReason) => Event(new TextChoice(string.Empty, scoreOnly ? "length" : finishReason), null);

    public object UsageChunk(CompletionUsage usage) => new TextCompletion(id, created, model, [], Usage(usage));

    public object Completion(string text, string finishReason, CompletionUsage usage) =>
        Event(new TextChoice((echo ?? string.Empty) + (scoreOnly ? string.Empty : text), scoreOnly ? "length" : finishReason,
            logprobs?.Build(promptOnly: scoreOnly)), Usage(usage));

    public void Observe(GenerationUpdate update) => logprobs?.Observe(update);

    private TextCompletion Event(TextChoice choice, CompletionUsage? usage) => new(id, created, model, [choice], usage);

    private CompletionUsage Usage(CompletionUsage usage) =>
        scoreOnly ? new CompletionUsage(usage.PromptTokens, 0, usage.PromptTokens) : usage;
}
