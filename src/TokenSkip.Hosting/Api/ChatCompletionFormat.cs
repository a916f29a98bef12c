namespace TokenSkip.Hosting.Api;

/// <summary>Chat completions: <c>chat.completion</c> objects and <c>chat.completion.chunk</c> events, with TokenSkip's report.</summary>
internal sealed class ChatCompletionFormat(string id, long created, string model, IDictionary<string, object>? report) : ICompletionFormat
{
    public object? OpeningChunk() => Chunk(new ChatDelta("assistant", string.Empty), null);

    public object? TextChunk(string text) => Chunk(new ChatDelta(null, text), null);

    public object FinishChunk(string finishReason) => Chunk(new ChatDelta(null, null), finishReason);

    public object UsageChunk(CompletionUsage usage) => new ChatCompletionChunk(id, created, model, [], usage) { TokenSkip = report };

    public object Completion(string text, string finishReason, CompletionUsage usage) =>
        new ChatCompletion(id, created, model, [new ChatChoice(new ChatResponseMessage(text), finishReason)], usage) { TokenSkip = report };

    public object? ToolCallChunk(int index, ChatToolCall call) =>
        Chunk(new ChatDelta(null, null) { ToolCalls = [call with { Index = index }] }, null);

    public object CompletionWithCalls(string? text, IReadOnlyList<ChatToolCall> calls, CompletionUsage usage) =>
        new ChatCompletion(id, created, model, [new ChatChoice(new ChatResponseMessage(text) { ToolCalls = calls }, "tool_calls")], usage) { TokenSkip = report };

    private ChatCompletionChunk Chunk(ChatDelta delta, string? finishReason) =>
        new(id, created, model, [new ChatChunkChoice(delta, finishReason)], null) { TokenSkip = report };
}
