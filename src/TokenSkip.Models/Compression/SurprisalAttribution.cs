using System.Text;
using TokenSkip.Core.Compression;

namespace TokenSkip.Models.Compression;

/// <summary>
/// How per-token self-information becomes per-word scores, shared by <see cref="SurprisalScorer"/> (in process) and
/// <see cref="RemoteSurprisalScorer"/> (from a server's prompt log-probabilities), so both score words the same way.
/// </summary>
internal static class SurprisalAttribution
{
    /// <summary>
    /// Per token, the words it counts for and its share of each: a token covering several words is shared in proportion
    /// to the characters it covers in each; a whitespace-only token counts for no word; a token marked incomplete (it
    /// starts a multi-byte character) counts for the words of the token that completes it.
    /// </summary>
    /// <param name="tokens">Each token's span in the text (empty for incomplete ones).</param>
    /// <param name="incomplete">Per token: it only starts a character completed by a later token.</param>
    /// <param name="words">The text's words (<see cref="WordSegmenter"/>), in order.</param>
    public static List<(int Word, double Share)>[] Shares(IReadOnlyList<TextSpan> tokens, IReadOnlyList<bool> incomplete, IReadOnlyList<TextSpan> words)
    {
        var shares = new List<(int Word, double Share)>[tokens.Count];
        var pending = new List<int>();
        var first = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            shares[i] = [];
            var span = tokens[i];
            while (first < words.Count && words[first].End <= span.Start && span.Length > 0)
            {
                first++;
            }

            var covered = 0;
            for (var w = first; w < words.Count && words[w].Start < span.End; w++)
            {
                var overlap = Math.Min(span.End, words[w].End) - Math.Max(span.Start, words[w].Start);
                if (overlap > 0)
                {
                    shares[i].Add((w, overlap));
                    covered += overlap;
                }
            }

            if (covered == 0)
            {
                if (incomplete[i])
                {
                    pending.Add(i);
                }

                continue;
            }

            for (var s = 0; s < shares[i].Count; s++)
            {
                shares[i][s] = (shares[i][s].Word, shares[i][s].Share / covered);
            }

            foreach (var p in pending)
            {
                shares[p].AddRange(shares[i]);
            }

            pending.Clear();
        }

        return shares;
    }

    /// <summary>The mean of the other tokens' self-information, given to a first token nothing predicts (no BOS in front).</summary>
    public static double UnpredictedFirst(IReadOnlyList<double> surprisal) => surprisal.Count > 1 ? surprisal.Skip(1).Average() : 0.0;

    /// <summary>
    /// Sums each token's self-information into its words by <paramref name="shares"/>; force tokens and (with
    /// <see cref="PruningOptions.KeepDigits"/>) words holding a digit get <paramref name="ceiling"/>.
    /// </summary>
    public static ScoredText ToScoredText(string text, IReadOnlyList<TextSpan> words, IReadOnlyList<double> surprisal,
        IReadOnlyList<List<(int Word, double Share)>> shares, PruningOptions options, double ceiling)
    {
        var scores = new double[words.Count];
        for (var i = 0; i < surprisal.Count; i++)
        {
            foreach (var (word, share) in shares[i])
            {
                scores[word] += surprisal[i] * share;
            }
        }

        var scored = new ScoredWord[words.Count];
        for (var w = 0; w < words.Count; w++)
        {
            var form = text.Substring(words[w].Start, words[w].Length);
            var forced = options.IsForceToken(form) || (options.KeepDigits && form.EnumerateRunes().Any(Rune.IsDigit));
            scored[w] = new ScoredWord(form, words[w], forced ? ceiling : scores[w], 0, WordSegmenter.HasSpaceBefore(text, words[w]));
        }

        return new ScoredText(text, scored);
    }
}
