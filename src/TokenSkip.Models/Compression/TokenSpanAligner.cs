using TokenSkip.Core.Compression;
using TokenSkip.Core.Text;

namespace TokenSkip.Models.Compression;

/// <summary>Finds the source characters each token of a causal LM's tokenization covers, by decoding.</summary>
internal static class TokenSpanAligner
{
    /// <summary>
    /// Spans in <paramref name="text"/> of each of <paramref name="ids"/>, or null when the decoded text differs from <paramref name="text"/> other than in whitespace (a
    /// tokenizer's dummy-prefix space, say). A token that only starts a multi-byte character decodes to nothing yet:
    /// it is marked incomplete and gets an empty span, and the token that completes the character covers it.
    /// </summary>
    public static (TextSpan[] Spans, bool[] Incomplete)? Align(ITextTokenizer tokenizer, IReadOnlyList<int> ids, string text)
    {
        var decoder = new IncrementalDecoder(tokenizer);
        var pieces = new string[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            pieces[i] = decoder.Push(ids[i]);
        }

        if (pieces.Length > 0)
        {
            pieces[^1] += decoder.Flush();
        }

        return AlignPieces(pieces, text);
    }

    /// <summary>
    /// Spans in <paramref name="text"/> of tokens whose texts, in order, are <paramref name="pieces"/> (as a server's
    /// <c>logprobs.tokens</c> gives them), or null when the pieces spell something other than <paramref name="text"/>
    /// beyond whitespace. An empty piece is marked incomplete (it starts a character a later piece completes).
    /// </summary>
    public static (TextSpan[] Spans, bool[] Incomplete)? AlignPieces(IReadOnlyList<string> pieces, string text)
    {
        var ends = new int[pieces.Count];
        var decoded = new System.Text.StringBuilder(text.Length + 8);
        for (var i = 0; i < pieces.Count; i++)
        {
            decoded.Append(pieces[i]);
            ends[i] = decoded.Length;
        }

        var map = MapIgnoringWhitespace(decoded.ToString(), text);
        if (map is null)
        {
            return null;
        }

        var spans = new TextSpan[pieces.Count];
        var incomplete = new bool[pieces.Count];
        var previous = 0;
        for (var i = 0; i < pieces.Count; i++)
        {
            var from = map[previous];
            spans[i] = new TextSpan(from, map[ends[i]] - from);
            incomplete[i] = ends[i] == previous;
            previous = ends[i];
        }

        return (spans, incomplete);
    }

    // map[i] = position in `text` of decoded[i] (and map[decoded.Length] = text.Length), matching characters one to one
    // and letting either side have whitespace the other lacks; null on any other difference.
    private static int[]? MapIgnoringWhitespace(string decoded, string text)
    {
        var map = new int[decoded.Length + 1];
        int i = 0, j = 0;
        while (i < decoded.Length || j < text.Length)
        {
            if (i < decoded.Length && j < text.Length && decoded[i] == text[j])
            {
                map[i++] = j++;
            }
            else if (i < decoded.Length && char.IsWhiteSpace(decoded[i]))
            {
                map[i++] = j;
            }
            else if (j < text.Length && char.IsWhiteSpace(text[j]))
            {
                j++;
            }
            else
            {
                return null;
            }
        }

        map[decoded.Length] = text.Length;
        return map;
    }
}
