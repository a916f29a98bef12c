namespace TokenSkip.Models.Compression;

/// <summary>
/// LLMLingua-2's chunking: the text's tokens are cut into pieces that fit the classifier with its start and end
/// tokens, preferring to cut just after a chunk-end token (".", "\n").
/// </summary>
/// <remarks>
/// Reproduces the reference's loop exactly, including its off-by-one: from the window end <c>start + 510</c> it looks
/// back (down to <c>start + 1</c>) for an end token and cuts after it; without one it cuts after <c>start + 510</c>. So a
/// chunk holds at most 511 tokens, and the final chunk (when at most 510 tokens remain) takes the rest. A 511-token
/// chunk plus the start and end tokens exceeds 512, and the reference's truncation then drops the end token; the scorer
/// does the same.
/// </remarks>
internal static class ChunkPlanner
{
    /// <summary>Returns (first token, token count) per chunk.</summary>
    public static IReadOnlyList<(int Start, int Count)> Plan(IReadOnlyList<string> pieces, int window, IReadOnlySet<string> endTokens)
    {
        var chunks = new List<(int, int)>();
        var count = pieces.Count;
        var start = 0;
        while (start < count)
        {
            if (start + window > count - 1)
            {
                chunks.Add((start, count - start));
                break;
            }

            var end = start + window;
            for (var back = 0; back < window; back++)
            {
                if (endTokens.Contains(pieces[end - back]))
                {
                    end -= back;
                    break;
                }
            }

            chunks.Add((start, end + 1 - start));
            start = end + 1;
        }

        return chunks;
    }
}
