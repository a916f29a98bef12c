using TokenSkip.Core.Prompts;

namespace TokenSkip.Core.Tools;

/// <summary>
/// Splits streamed model output into plain text and tool calls, in the family's native call format. Text it releases
/// never holds part of a call: Qwen2.5's output is released as it comes, less any end that could begin
/// <c>&lt;tool_call&gt;</c>, and each call when its <c>&lt;/tool_call&gt;</c> arrives; Llama 3.1's is released as it
/// comes unless it starts with <c>{</c> (or <c>&lt;|python_tag|&gt;</c>), which is held to <see cref="Complete"/>. A
/// block whose JSON is not a call is released as text, verbatim. Use one filter per generation, only when tools were
/// offered; not thread-safe.
/// </summary>
/// <remarks>
/// The text released, joined, equals <see cref="ToolCallParser.Parse"/>'s <see cref="ToolCallParseResult.Text"/> for the
/// whole output, and the calls its <see cref="ToolCallParseResult.Calls"/>, however the output is cut into deltas.
/// </remarks>
public sealed class ToolCallStreamFilter
{
    private readonly IToolCallScanner _scanner;
    private bool _completed;

    /// <summary>Creates a filter for <paramref name="family"/>'s call format.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined family.</exception>
    public ToolCallStreamFilter(ModelFamily family)
    {
        Family = family;
        _scanner = family switch
        {
            ModelFamily.Qwen2 => new QwenToolCallScanner(),
            ModelFamily.Llama3 => new Llama3ToolCallScanner(),
            _ => throw new ArgumentOutOfRangeException(nameof(family), family, "unknown model family"),
        };
    }

    /// <summary>The family whose call format this filter reads.</summary>
    public ModelFamily Family { get; }

    /// <summary>Takes the next text delta; returns the text and completed calls that can be released now, in order.</summary>
    /// <exception cref="InvalidOperationException">The filter was completed.</exception>
    public IReadOnlyList<ToolCallStreamItem> Push(string delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        if (_completed)
        {
            throw new InvalidOperationException("the output has already been completed.");
        }

        var items = new ToolCallStreamItems();
        if (delta.Length > 0)
        {
            _scanner.Push(delta, items);
        }

        return items.ToList();
    }

    /// <summary>The output has ended: returns everything still held (text, a call whose block was left unclosed).</summary>
    public IReadOnlyList<ToolCallStreamItem> Complete()
    {
        if (_completed)
        {
            return [];
        }

        _completed = true;
        var items = new ToolCallStreamItems();
        _scanner.Complete(items);
        return items.ToList();
    }
}
