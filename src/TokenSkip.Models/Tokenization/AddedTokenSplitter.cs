using System.Buffers;

namespace TokenSkip.Models.Tokenization;

/// <summary>
/// Cuts input text at added tokens (special and non-special), as Hugging Face tokenizers do before
/// normalizing and pre-tokenizing: leftmost match first, the longest token when several start there.
/// </summary>
internal sealed class AddedTokenSplitter
{
    private readonly AddedToken[] _longestFirst;
    private readonly SearchValues<string>? _contents;

    public AddedTokenSplitter(IReadOnlyCollection<AddedToken> tokens)
    {
        _longestFirst = [.. tokens.OrderByDescending(t => t.Content.Length)];
        _contents = _longestFirst.Length == 0
            ? null
            : SearchValues.Create(_longestFirst.Select(t => t.Content).ToArray(), StringComparison.Ordinal);
    }

    /// <summary>Appends the segments of <paramref name="text"/> in order to <paramref name="segments"/>.</summary>
    public void Split(string text, List<TextSegment> segments)
    {
        var plainStart = 0;
        var searchFrom = 0;
        while (_contents is not null && searchFrom < text.Length)
        {
            var offset = text.AsSpan(searchFrom).IndexOfAny(_contents);
            if (offset < 0)
            {
                break;
            }

            var start = searchFrom + offset;
            var token = LongestAt(text, start);
            var end = start + token.Content.Length;
            if (token.StripLeft)
            {
                while (start > plainStart && char.IsWhiteSpace(text[start - 1]))
                {
                    start--;
                }
            }

            if (token.StripRight)
            {
                while (end < text.Length && char.IsWhiteSpace(text[end]))
                {
                    end++;
                }
            }

            if (start > plainStart)
            {
                segments.Add(new TextSegment(plainStart, start - plainStart, null));
            }

            segments.Add(new TextSegment(start, end - start, token));
            plainStart = searchFrom = end;
        }

        if (plainStart < text.Length)
        {
            segments.Add(new TextSegment(plainStart, text.Length - plainStart, null));
        }
    }

    private AddedToken LongestAt(string text, int start)
    {
        var rest = text.AsSpan(start);
        foreach (var token in _longestFirst)
        {
            if (rest.StartsWith(token.Content, StringComparison.Ordinal))
            {
                return token;
            }
        }

        throw new InvalidOperationException("SearchValues reported a match that no added token makes.");
    }
}
