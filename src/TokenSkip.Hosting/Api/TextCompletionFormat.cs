namespace TokenSkip.Hosting.Api;

/// <summary>Text completions: <c>text_completion</c> objects, streamed as events of the same shape.</summary>
internal sealed class TextCompletionFormat(string id, long created, string model) : ICompletionFormat
{
    public object? OpeningChunk() => null;

    public object TextChunk(string text) => new TextCompletion(id, created, model, [new TextChoice(text, null)], null);

    public object FinishChunk(string finishReason) => new TextCompletion(id, created, model, [new TextChoice(string.Empty, finishReason)], null);

    public object UsageChunk(CompletionUsage usage) => new TextCompletion(id, created, model, [], usage);

    public object Completion(string text, string finishReason, CompletionUsage usage) =>
        new TextCompletion(id, created, model, [new TextChoice(text, finishReason)], usage);
}
