using TokenSkip.Core.Generation;

namespace TokenSkip.Hosting.Api;

/// <summary>How one API shapes a generation: as a chat completion or a text completion, whole or as stream events.</summary>
internal interface ICompletionFormat
{
    /// <summary>The event that opens a stream (the chat role), or null when the format has none.</summary>
    object? OpeningChunk();

    /// <summary>The event carrying a text delta, or null when this format sends none for it.</summary>
    object? TextChunk(string text);

    object FinishChunk(string finishReason);

    object UsageChunk(CompletionUsage usage);

    object Completion(string text, string finishReason, CompletionUsage usage);

    /// <summary>A streamed tool call (chat only; null for formats without tools).</summary>
    object? ToolCallChunk(int index, ChatToolCall call) => null;

    /// <summary>Sees every update of the generation before it is shaped (text completions collect log-probabilities here).</summary>
    void Observe(GenerationUpdate update)
    {
    }

    /// <summary>A whole completion whose output held tool calls (chat only); text is null when nothing else was said.</summary>
    object CompletionWithCalls(string? text, IReadOnlyList<ChatToolCall> calls, CompletionUsage usage) => Completion(text ?? string.Empty, "tool_calls", usage);
}
