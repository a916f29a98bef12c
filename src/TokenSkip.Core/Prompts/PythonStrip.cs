using TokenSkip.Core.Text;

namespace TokenSkip.Core.Prompts;

/// <summary>Jinja's <c>trim</c> (Python's <c>str.strip()</c>) over marked content: whitespace goes, <see cref="MessageContent"/> marks stay.</summary>
internal static class PythonStrip
{
    public static string Strip(string text)
    {
        var start = 0;
        var end = text.Length;
        while (start < end && (IsSpace(text[start]) || IsMark(text[start])))
        {
            start++;
        }

        while (end > start && (IsSpace(text[end - 1]) || IsMark(text[end - 1])))
        {
            end--;
        }

        if (start == 0 && end == text.Length)
        {
            return text;
        }

        // Keep the marks met among the stripped whitespace, in their places.
        var head = KeepMarks(text.AsSpan(0, start));
        var tail = KeepMarks(text.AsSpan(end));
        return head + text[start..end] + tail;
    }

    /// <summary>Python's <c>str.isspace()</c> for one UTF-16 unit (.NET's set plus the separators U+001C..U+001F).</summary>
    private static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is >= '\u001C' and <= '\u001F';

    private static bool IsMark(char c) => c is MessageContent.Open or MessageContent.Close;

    private static string KeepMarks(ReadOnlySpan<char> span)
    {
        var marks = new System.Text.StringBuilder();
        foreach (var c in span)
        {
            if (IsMark(c))
            {
                marks.Append(c);
            }
        }

        return marks.ToString();
    }
}
