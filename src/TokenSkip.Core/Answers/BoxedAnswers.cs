namespace TokenSkip.Core.Answers;

/// <summary>Finds the contents of <c>\boxed{…}</c> (and <c>\fbox{…}</c>) in model output, braces matched.</summary>
public static class BoxedAnswers
{
    private static readonly string[] Commands = ["\\boxed", "\\fbox"];

    /// <summary>
    /// Every complete box in order of appearance. A box left open at the end of the text (a cut-off generation)
    /// is not returned. A <c>%</c> right after the closing brace is kept, as in <c>\boxed{50}\%</c>.
    /// </summary>
    public static IReadOnlyList<string> FindAll(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<(int Start, string Content)>();
        foreach (var command in Commands)
        {
            for (var at = text.IndexOf(command, StringComparison.Ordinal); at >= 0; at = text.IndexOf(command, at + 1, StringComparison.Ordinal))
            {
                var open = at + command.Length;
                while (open < text.Length && text[open] == ' ')
                {
                    open++;
                }

                if (open >= text.Length || text[open] != '{')
                {
                    continue;
                }

                var end = LatexGroups.EndOfGroup(text, open);
                if (end < 0)
                {
                    continue;
                }

                var content = text[(open + 1)..(end - 1)];
                found.Add((at, content + PercentAfter(text, end)));
            }
        }

        return found.OrderBy(f => f.Start).Select(f => f.Content).ToArray();
    }

    /// <summary>The content of the last complete box, or null when there is none.</summary>
    public static string? FindLast(string text)
    {
        var all = FindAll(text);
        return all.Count == 0 ? null : all[^1];
    }

    private static string PercentAfter(string text, int end) =>
        text.AsSpan(end).StartsWith("\\%") || text.AsSpan(end).StartsWith("%") ? "%" : string.Empty;
}
