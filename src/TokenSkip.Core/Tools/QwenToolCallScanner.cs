using System.Text;
using TokenSkip.Core.Prompts;

namespace TokenSkip.Core.Tools;

/// <summary>
/// Qwen2.5's (Hermes-style) calls: <c>&lt;tool_call&gt;\n{"name": …, "arguments": {…}}\n&lt;/tool_call&gt;</c> blocks,
/// any number, with text around them. Text is released as soon as it cannot be the start of a block; whitespace right
/// before a block, and whitespace after the last call at the end, is the template's separator and is dropped. A block
/// whose JSON is not a call is released as text, verbatim; an unclosed block at the end counts if its JSON is a call.
/// </summary>
internal sealed class QwenToolCallScanner : IToolCallScanner
{
    private static readonly string[] ArgumentKeys = ["arguments"];

    private readonly StringBuilder _buffer = new();
    private bool _inside;
    private string _separator = string.Empty;
    private bool _afterCall;

    public void Push(string delta, ToolCallStreamItems items)
    {
        _buffer.Append(delta);
        Scan(items, final: false);
    }

    public void Complete(ToolCallStreamItems items) => Scan(items, final: true);

    private void Scan(ToolCallStreamItems items, bool final)
    {
        while (true)
        {
            var text = _buffer.ToString();
            if (_inside)
            {
                var close = text.IndexOf(QwenChatTemplate.ToolCallClose, StringComparison.Ordinal);
                if (close < 0 && !final)
                {
                    return; // the closing tag may still be on its way
                }

                var body = close < 0 ? text : text[..close];
                var closing = close < 0 ? string.Empty : QwenChatTemplate.ToolCallClose;
                if (ToolCallJson.TryParse(body.Trim(), ArgumentKeys, out var call))
                {
                    items.AddCall(call);
                    _afterCall = true;
                }
                else
                {
                    items.AddText(_separator + QwenChatTemplate.ToolCallOpen + body + closing);
                    _afterCall = false;
                }

                _inside = false;
                Reset(close < 0 ? string.Empty : text[(close + closing.Length)..]);
                if (close < 0)
                {
                    return;
                }

                continue;
            }

            var open = text.IndexOf(QwenChatTemplate.ToolCallOpen, StringComparison.Ordinal);
            if (open >= 0)
            {
                var before = text[..open];
                var kept = before.TrimEnd();
                Release(items, kept);
                _separator = before[kept.Length..];
                _inside = true;
                Reset(text[(open + QwenChatTemplate.ToolCallOpen.Length)..]);
                continue;
            }

            if (final)
            {
                if (!(_afterCall && string.IsNullOrWhiteSpace(text)))
                {
                    Release(items, text);
                }

                Reset(string.Empty);
                return;
            }

            // Hold back what could still become "<tool_call>" and the whitespace before it.
            var held = text.Length - PartialTagLength(text);
            var release = text[..held].TrimEnd();
            Release(items, release);
            Reset(text[release.Length..]);
            return;
        }
    }

    private void Release(ToolCallStreamItems items, string text)
    {
        items.AddText(text);
        if (!string.IsNullOrWhiteSpace(text))
        {
            _afterCall = false;
        }
    }

    private void Reset(string rest)
    {
        _buffer.Clear();
        _buffer.Append(rest);
    }

    /// <summary>The length of the longest end of <paramref name="text"/> that begins <c>&lt;tool_call&gt;</c>.</summary>
    private static int PartialTagLength(string text)
    {
        var tag = QwenChatTemplate.ToolCallOpen;
        for (var length = Math.Min(tag.Length - 1, text.Length); length > 0; length--)
        {
            if (text.AsSpan(text.Length - length).SequenceEqual(tag.AsSpan(0, length)))
            {
                return length;
            }
        }

        return 0;
    }
}
