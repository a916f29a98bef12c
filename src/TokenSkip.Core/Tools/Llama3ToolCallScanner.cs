using System.Text;
using System.Text.Json;
using TokenSkip.Core.Prompts;

namespace TokenSkip.Core.Tools;

/// <summary>
/// Llama 3.1's JSON calls: an output that is (after optional whitespace and <c>&lt;|python_tag|&gt;</c>) one or more
/// <c>{"name": …, "parameters": {…}}</c> objects (<c>"arguments"</c> is accepted too), separated by whitespace or
/// <c>;</c>. An output that starts otherwise is released as text at once; one that starts with <c>{</c> is held to the
/// end, then becomes calls, or text, verbatim, when it is not made of calls only.
/// </summary>
internal sealed class Llama3ToolCallScanner : IToolCallScanner
{
    private static readonly string[] ArgumentKeys = ["parameters", "arguments"];

    private readonly StringBuilder _buffer = new();
    private Mode _mode;

    private enum Mode
    {
        Undecided,
        Text,
        Json,
    }

    public void Push(string delta, ToolCallStreamItems items)
    {
        if (_mode == Mode.Text)
        {
            items.AddText(delta);
            return;
        }

        _buffer.Append(delta);
        if (_mode == Mode.Json)
        {
            return;
        }

        var start = _buffer.ToString().TrimStart();
        var tag = Llama3ChatTemplate.PythonTag;
        if (start.Length == 0 || (start.Length < tag.Length && tag.StartsWith(start, StringComparison.Ordinal)))
        {
            return; // not decided yet
        }

        if (start.StartsWith('{') || start.StartsWith(tag, StringComparison.Ordinal))
        {
            _mode = Mode.Json;
            return;
        }

        _mode = Mode.Text;
        items.AddText(_buffer.ToString());
        _buffer.Clear();
    }

    public void Complete(ToolCallStreamItems items)
    {
        var text = _buffer.ToString();
        _buffer.Clear();
        if (_mode == Mode.Json && TryParseCalls(text, out var calls))
        {
            foreach (var call in calls)
            {
                items.AddCall(call);
            }
        }
        else
        {
            items.AddText(text);
        }

        _mode = Mode.Text;
    }

    /// <summary>Reads the whole output as calls; false when anything in it is not a call.</summary>
    internal static bool TryParseCalls(string output, out List<ParsedToolCall> calls)
    {
        calls = [];
        var text = output.TrimStart();
        if (text.StartsWith(Llama3ChatTemplate.PythonTag, StringComparison.Ordinal))
        {
            text = text[Llama3ChatTemplate.PythonTag.Length..];
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        var position = 0;
        try
        {
            while (true)
            {
                while (position < bytes.Length && bytes[position] is (byte)';' or (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
                {
                    position++;
                }

                if (position == bytes.Length)
                {
                    return calls.Count > 0;
                }

                var reader = new Utf8JsonReader(bytes.AsSpan(position), new JsonReaderOptions { AllowMultipleValues = true });
                using var document = JsonDocument.ParseValue(ref reader);
                if (!ToolCallJson.TryRead(document.RootElement, ArgumentKeys, out var call))
                {
                    return false;
                }

                calls.Add(call);
                position += (int)reader.BytesConsumed;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }
}
