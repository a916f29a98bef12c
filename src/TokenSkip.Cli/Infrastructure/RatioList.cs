using TokenSkip.Core;

namespace TokenSkip.Cli.Infrastructure;

/// <summary>Parses "1.0,0.6" into compression ratios.</summary>
internal static class RatioList
{
    public static IReadOnlyList<CompressionRatio> Parse(string option, string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            throw new ArgumentException($"{option} is empty; write ratios like 1.0,0.6");
        }

        return parts.Select(p => CompressionRatio.TryParse(p, out var ratio)
            ? ratio
            : throw new ArgumentException($"{option}: '{p}' is not a compression ratio between 0.5 and 1.0")).ToArray();
    }
}
