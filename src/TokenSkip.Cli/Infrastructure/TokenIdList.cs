using System.Globalization;

namespace TokenSkip.Cli.Infrastructure;

/// <summary>Parses "1,2,3" into token ids.</summary>
internal static class TokenIdList
{
    public static int[] Parse(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            throw new ArgumentException("--prompt-ids is empty; write ids like 1,2,3");
        }

        return parts.Select(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new ArgumentException($"--prompt-ids: '{p}' is not an integer token id")).ToArray();
    }
}
