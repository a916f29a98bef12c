using TokenSkip.Core.Prompts;

namespace TokenSkip.Core.Tools;

/// <summary>Reads the tool calls in a finished model output, in the family's native call format.</summary>
public static class ToolCallParser
{
    /// <summary>
    /// Splits <paramref name="output"/> into its calls and the remaining text, exactly as a
    /// <see cref="ToolCallStreamFilter"/> fed the whole output would: Qwen2.5's <c>&lt;tool_call&gt;</c> blocks (any
    /// number; text before, between and after them stays text, less the whitespace that separates it from a block), or
    /// Llama 3.1's output made only of <c>{"name": …, "parameters": {…}}</c> objects. Malformed calls stay in the text.
    /// </summary>
    public static ToolCallParseResult Parse(ModelFamily family, string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var filter = new ToolCallStreamFilter(family);
        var text = new System.Text.StringBuilder();
        var calls = new List<ParsedToolCall>();
        foreach (var item in filter.Push(output).Concat(filter.Complete()))
        {
            if (item.Call is { } call)
            {
                calls.Add(call);
            }
            else
            {
                text.Append(item.Text);
            }
        }

        return new ToolCallParseResult(text.ToString(), calls);
    }
}
