using System.Text.RegularExpressions;

namespace TokenSkip.Models.Tokenization;

/// <summary>
/// Splits plain text into pre-tokens with the tokenizer's regexes applied in turn, each with Hugging Face's
/// "Isolated" behaviour (every match is a piece, and so is any text between matches).
/// </summary>
internal sealed class ByteLevelPreTokenizer
{
    /// <summary>GPT-2's split pattern: what a <c>ByteLevel</c> pre-tokenizer with <c>use_regex: true</c> applies.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private readonly IReadOnlyList<Regex> _patterns;

    public ByteLevelPreTokenizer(IReadOnlyList<Regex> patterns) => _patterns = patterns;

    /// <summary>The split regexes, applied in order.</summary>
    public IReadOnlyList<Regex> Patterns => _patterns;

    /// <summary>Appends the pre-token ranges of <paramref name="text"/> in order to <paramref name="pieces"/>.</summary>
    public void Split(string text, List<Range> pieces)
    {
        var subject = text;
        int[]? sourceIndex = null;
        if (AstralCharacterProxy.IsNeeded(text))
        {
            subject = AstralCharacterProxy.Substitute(text, out sourceIndex);
        }

        List<(int Start, int End)> current = [(0, subject.Length)];
        foreach (var pattern in _patterns)
        {
            var next = new List<(int Start, int End)>(current.Count * 4);
            foreach (var (start, end) in current)
            {
                SplitIsolated(pattern, subject, start, end, next);
            }

            current = next;
        }

        foreach (var (start, end) in current)
        {
            pieces.Add(sourceIndex is null ? start..end : sourceIndex[start]..sourceIndex[end]);
        }
    }

    private static void SplitIsolated(Regex pattern, string subject, int start, int end, List<(int Start, int End)> pieces)
    {
        var position = start;
        foreach (var match in pattern.EnumerateMatches(subject.AsSpan(start, end - start)))
        {
            if (match.Length == 0)
            {
                continue;
            }

            var matchStart = start + match.Index;
            if (matchStart > position)
            {
                pieces.Add((position, matchStart));
            }

            position = matchStart + match.Length;
            pieces.Add((matchStart, position));
        }

        if (position < end)
        {
            pieces.Add((position, end));
        }
    }
}
