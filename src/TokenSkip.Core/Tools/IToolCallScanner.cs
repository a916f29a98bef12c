namespace TokenSkip.Core.Tools;

/// <summary>One family's way of finding tool calls in streamed output.</summary>
internal interface IToolCallScanner
{
    /// <summary>Takes the next piece of output; adds what can be released to <paramref name="items"/>.</summary>
    void Push(string delta, ToolCallStreamItems items);

    /// <summary>The output has ended: releases everything still held.</summary>
    void Complete(ToolCallStreamItems items);
}
