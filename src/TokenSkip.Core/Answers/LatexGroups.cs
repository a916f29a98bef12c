namespace TokenSkip.Core.Answers;

/// <summary>Brace- and bracket-aware scanning of LaTeX answer text.</summary>
internal static class LatexGroups
{
    /// <summary>
    /// The index just past the <c>}</c> that closes the group opened at <paramref name="open"/> (which must be
    /// a <c>{</c>), or -1 when the text ends first. Escaped braces (<c>\{</c>, <c>\}</c>) do not count.
    /// </summary>
    public static int EndOfGroup(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                i++;
                continue;
            }

            if (c == '{')
            {
                depth++;
            }
            else if (c == '}' && --depth == 0)
            {
                return i + 1;
            }
        }

        return -1;
    }

    /// <summary>Splits on <paramref name="separator"/> where it is outside every (), [], {} pair.</summary>
    public static IReadOnlyList<string> SplitTopLevel(string text, char separator)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}')
            {
                depth--;
            }
            else if (c == separator && depth == 0)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }
}
