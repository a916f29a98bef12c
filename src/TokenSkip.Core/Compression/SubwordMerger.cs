using System.Text;

namespace TokenSkip.Core.Compression;

/// <summary>
/// LLMLingua-2's merge of classifier tokens into words, with force tokens and the keep-digits option applied
/// token by token before averaging.
/// </summary>
/// <remarks>
/// <para>
/// A token begins a new word when it equals a force token, when it starts with "▁" (SentencePiece) or does not
/// start with "##" (WordPiece; here "##" is stripped before comparing with force tokens), or, for SentencePiece,
/// when it is a substring of Python's <c>string.punctuation</c> (the reference tests <c>token in
/// string.punctuation</c>, so "." and also "()" or "&lt;=" qualify, "..", does not). Other tokens continue the
/// current word. A word's first token gets probability 1.0 when its text without markers is a force token, and
/// with <see cref="PruningOptions.KeepDigits"/> every token containing a digit gets 1.0. The word's score is the
/// mean of its token probabilities, computed in double precision from the float32 token probabilities (numpy 1.x
/// gives the same; numpy 2 would average in float32).
/// </para>
/// <para>
/// Special tokens are skipped. A continuation token with no word before it (possible only at the start of a chunk,
/// which the reference never meets because it re-tokenizes each chunk's text) starts a word.
/// </para>
/// </remarks>
public static class SubwordMerger
{
    /// <summary>Python's <c>string.punctuation</c>.</summary>
    public const string AsciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private const char WordBoundaryMark = '▁';

    /// <summary>Merges <paramref name="tokens"/> (one chunk) into words.</summary>
    public static IReadOnlyList<MergedWord> Merge(IReadOnlyList<SubwordToken> tokens, SubwordScheme scheme, PruningOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        options = (options ?? PruningOptions.None).Validate();
        var words = new List<MergedWord>();
        var form = new StringBuilder();
        var sum = 0.0;
        var count = 0;
        var first = -1;
        var last = -1;

        void Flush()
        {
            if (count > 0)
            {
                words.Add(new MergedWord(form.ToString(), sum / count, first, last));
            }

            form.Clear();
            sum = 0;
            count = 0;
        }

        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.IsSpecial)
            {
                continue;
            }

            var piece = token.Piece ?? string.Empty;
            var pure = PureText(piece, scheme);
            double probability = token.Probability;
            var startsWord = StartsWord(piece, pure, scheme, options);
            if (startsWord || count == 0)
            {
                Flush();
                if (options.IsForceToken(pure))
                {
                    probability = 1.0;
                }

                form.Append(startsWord ? piece : pure);
                first = i;
            }
            else
            {
                form.Append(pure);
            }

            if (options.KeepDigits && ContainsDigit(piece))
            {
                probability = 1.0;
            }

            sum += probability;
            count++;
            last = i;
        }

        Flush();
        return words;
    }

    /// <summary>The token without its marker: leading "▁" (SentencePiece) or leading "#" characters (WordPiece), as Python's <c>lstrip</c> removes them.</summary>
    public static string PureText(string piece, SubwordScheme scheme) =>
        scheme == SubwordScheme.SentencePiece ? piece.TrimStart(WordBoundaryMark) : piece.TrimStart('#');

    private static bool StartsWord(string piece, string pure, SubwordScheme scheme, PruningOptions options) => scheme switch
    {
        SubwordScheme.SentencePiece => (piece.Length > 0 && AsciiPunctuation.Contains(piece, StringComparison.Ordinal))
            || options.IsForceToken(piece)
            || piece.StartsWith(WordBoundaryMark),
        SubwordScheme.WordPiece => options.IsForceToken(pure) || !piece.StartsWith("##", StringComparison.Ordinal),
        _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "unknown subword scheme"),
    };

    // Python's \d: any Unicode decimal digit.
    private static bool ContainsDigit(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsDigit(rune))
            {
                return true;
            }
        }

        return false;
    }
}
