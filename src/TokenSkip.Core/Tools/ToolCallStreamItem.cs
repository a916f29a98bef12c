namespace TokenSkip.Core.Tools;

/// <summary>One piece of filtered output: either plain text (<see cref="Text"/>) or a completed call (<see cref="Call"/>).</summary>
/// <param name="Text">Text that holds no part of a tool call, or null for a call.</param>
/// <param name="Call">A completed call, or null for text.</param>
public sealed record ToolCallStreamItem(string? Text, ParsedToolCall? Call)
{
    /// <summary>A text piece.</summary>
    public static ToolCallStreamItem ForText(string text) => new(text ?? throw new ArgumentNullException(nameof(text)), null);

    /// <summary>A call piece.</summary>
    public static ToolCallStreamItem ForCall(ParsedToolCall call) => new(null, call ?? throw new ArgumentNullException(nameof(call)));
}
