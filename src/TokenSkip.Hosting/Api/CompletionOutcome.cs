using TokenSkip.Core.Generation;

namespace TokenSkip.Hosting.Api;

/// <summary>How a served generation ended: its text, why, and its token counts.</summary>
internal sealed record CompletionOutcome(string Text, FinishReason FinishReason, GenerationUsage Usage)
{
    /// <summary>True when the output held tool calls (sent as <c>tool_calls</c>).</summary>
    public bool CalledTools { get; init; }
}
