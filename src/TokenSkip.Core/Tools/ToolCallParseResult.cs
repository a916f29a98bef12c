namespace TokenSkip.Core.Tools;

/// <summary>A model's output split into its tool calls and the text around them.</summary>
/// <param name="Text">The output less its well-formed calls (malformed ones stay here verbatim); the output itself when it has none.</param>
/// <param name="Calls">The calls, in order; empty when there are none.</param>
public sealed record ToolCallParseResult(string Text, IReadOnlyList<ParsedToolCall> Calls);
