namespace TokenSkip.Core.Tools;

/// <summary>Collects released pieces, joining adjacent text and dropping empty text.</summary>
internal sealed class ToolCallStreamItems
{
    private readonly List<ToolCallStreamItem> _items = [];

    public void AddText(string text)
    {
        if (text.Length == 0)
        {
            return;
        }

        if (_items.Count > 0 && _items[^1].Text is { } previous)
        {
            _items[^1] = ToolCallStreamItem.ForText(previous + text);
        }
        else
        {
            _items.Add(ToolCallStreamItem.ForText(text));
        }
    }

    public void AddCall(ParsedToolCall call) => _items.Add(ToolCallStreamItem.ForCall(call));

    public IReadOnlyList<ToolCallStreamItem> ToList() => _items.Count == 0 ? [] : [.. _items];
}
