namespace TokenSkip.Core.Compression;

/// <summary>
/// LLMLingua-2's word-level pruning rule, as TokenSkip uses it: scores in, kept words out.
/// </summary>
/// <remarks>
/// <para>
/// Per chunk, each word's score is repeated once per token of its weight (its cl100k token count), and the
/// threshold is the <c>int(100·(1-γ)+1)</c>-th percentile of that list (numpy's linear interpolation, see
/// <see cref="Percentile"/>). A word is kept when its score is strictly above the threshold, or when the threshold
/// has reached the ceiling score (keep probability 1.0) and the word is at the ceiling too. The percentile is
/// computed in double precision exactly as the reference does, so γ = 0.9 gives the 10th percentile, not the 11th
/// (<c>100·(1-0.9)</c> is 9.999…), and γ = 0.7 the 31st.
/// </para>
/// <para>
/// At γ = 1.0 every word is kept and nothing else is applied, as the reference skips compression entirely there.
/// </para>
/// </remarks>
public static class WordPruner
{
    /// <summary>The percentile the threshold is taken at: <c>int(100·max(0, 1-γ) + 1)</c>, in double arithmetic.</summary>
    public static int ThresholdPercent(CompressionRatio ratio) => ThresholdPercent(ratio.Value);

    private static int ThresholdPercent(double keep) => (int)((100 * Math.Max(0, 1 - keep)) + 1);

    /// <summary>Returns the indices of the words to keep, in text order.</summary>
    /// <param name="words">The words of one text, in order; chunk ids must not decrease.</param>
    /// <param name="ratio">γ, the fraction of the text to keep.</param>
    /// <param name="options">Force tokens and dropping consecutive repeats (forcing itself is applied by the scorer).</param>
    /// <param name="ceiling">
    /// The largest score the scorer gives, which forced words carry: 1.0 for keep probabilities. When the threshold
    /// equals it, words at the ceiling are kept.
    /// </param>
    /// <exception cref="ArgumentException">A score is NaN, a weight is negative, or chunk ids decrease.</exception>
    public static IReadOnlyList<int> SelectKept(IReadOnlyList<PruningWord> words, CompressionRatio ratio,
        PruningOptions? options = null, double ceiling = 1.0) =>
        ratio.IsUncompressed ? KeepAll(words) : SelectKept(words, ratio.Value, options, ceiling);

    /// <summary>
    /// The same rule for any keep fraction in (0, 1), not only TokenSkip's ratios: used to search the fraction whose
    /// result has a wanted length (forced words and tokenizer differences make the kept share differ from the fraction).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keep"/> is not in (0, 1].</exception>
    public static IReadOnlyList<int> SelectKept(IReadOnlyList<PruningWord> words, double keep, PruningOptions? options = null, double ceiling = 1.0)
    {
        ArgumentNullException.ThrowIfNull(words);
        if (!(keep > 0 && keep <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(keep), keep, "the keep fraction must be in (0, 1]");
        }

        if (keep >= 1)
        {
            return KeepAll(words);
        }

        options = (options ?? PruningOptions.None).Validate();
        Validate(words);

        var kept = new List<int>(words.Count);
        var start = 0;
        while (start < words.Count)
        {
            var end = start;
            while (end < words.Count && words[end].Chunk == words[start].Chunk)
            {
                end++;
            }

            SelectInChunk(words, start, end, keep, options, ceiling, kept);
            start = end;
        }

        return kept;
    }

    private static int[] KeepAll(IReadOnlyList<PruningWord> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        Validate(words);
        return Enumerable.Range(0, words.Count).ToArray();
    }

    private static void SelectInChunk(IReadOnlyList<PruningWord> words, int start, int end, double keep,
        PruningOptions options, double ceiling, List<int> kept)
    {
        var count = end - start;
        var scores = new double[count];
        var weights = new int[count];
        for (var i = 0; i < count; i++)
        {
            scores[i] = words[start + i].Score;
            weights[i] = words[start + i].Weight;
        }

        var reduce = Math.Max(0, 1 - keep);
        if (options.DropConsecutive)
        {
            SilenceRepeatedForceTokens(words, start, scores, (int)(100 * reduce), options);
        }

        if (weights.Sum() == 0)
        {
            // numpy would fail on an empty list; a chunk with no weighted word keeps nothing.
            return;
        }

        var threshold = Percentile.Weighted(scores, weights, ThresholdPercent(keep));
        string? lastKept = null;
        for (var i = 0; i < count; i++)
        {
            var score = scores[i];
            if (!(score > threshold || (threshold == ceiling && score == threshold)))
            {
                continue;
            }

            var form = words[start + i].Form;
            if (options.DropConsecutive && options.IsForceToken(form) && string.Equals(lastKept, form, StringComparison.Ordinal))
            {
                continue;
            }

            kept.Add(start + i);
            lastKept = form;
        }
    }

    // A force-token word that repeats the previous force-token word, with no word scoring above the unweighted
    // percentile in between, gets score 0 (before the weighted threshold is computed, as in the reference).
    private static void SilenceRepeatedForceTokens(IReadOnlyList<PruningWord> words, int start, double[] scores, int percent,
        PruningOptions options)
    {
        var threshold = Percentile.Linear(scores, percent);
        var contentBetween = false;
        string? previous = null;
        for (var i = 0; i < scores.Length; i++)
        {
            var form = words[start + i].Form;
            if (options.IsForceToken(form))
            {
                if (contentBetween)
                {
                    contentBetween = false;
                }
                else if (string.Equals(form, previous, StringComparison.Ordinal))
                {
                    scores[i] = 0.0;
                }

                previous = form;
            }
            else
            {
                contentBetween |= scores[i] > threshold;
            }
        }
    }

    private static void Validate(IReadOnlyList<PruningWord> words)
    {
        for (var i = 0; i < words.Count; i++)
        {
            if (double.IsNaN(words[i].Score))
            {
                throw new ArgumentException($"word {i} ('{words[i].Form}') has a NaN score", nameof(words));
            }

            if (words[i].Weight < 0)
            {
                throw new ArgumentException($"word {i} ('{words[i].Form}') has a negative weight", nameof(words));
            }

            if (i > 0 && words[i].Chunk < words[i - 1].Chunk)
            {
                throw new ArgumentException($"word {i} is in chunk {words[i].Chunk} after chunk {words[i - 1].Chunk}: chunks must not decrease", nameof(words));
            }
        }
    }
}
