using System.Text;

namespace TokenSkip.Core.Compression;

/// <summary>Re-joins kept words the way LLMLingua-2 does: in order, newlines and repeated spaces lost.</summary>
public static class KeptText
{
    /// <summary>
    /// Joins the source text of the kept words, putting one space before each word whose
    /// <see cref="ScoredWord.SpaceBefore"/> is set (except the first), and trims the result.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index or a span lies outside the words or the text.</exception>
    public static string Join(string text, IReadOnlyList<ScoredWord> words, IEnumerable<int> keptIndices)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(keptIndices);
        var builder = new StringBuilder(text.Length);
        foreach (var index in keptIndices)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index, nameof(keptIndices));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, words.Count, nameof(keptIndices));
            var word = words[index];
            if (word.Span.Start < 0 || word.Span.Length < 0 || word.Span.End > text.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(words), $"word {index} spans [{word.Span.Start}, {word.Span.End}) outside a text of {text.Length} characters");
            }

            if (builder.Length > 0 && word.SpaceBefore)
            {
                builder.Append(' ');
            }

            builder.Append(text, word.Span.Start, word.Span.Length);
        }

        return builder.ToString().Trim();
    }
}
