namespace TokenSkip.Core.Text;

/// <summary>
/// Streams text out of a token stream without ever emitting half a character: a multi-byte UTF-8
/// character split over several tokens decodes to U+FFFD until its last byte arrives, so the trailing
/// U+FFFD of a decode is held back until a later token completes (or ends) it.
/// </summary>
/// <remarks>
/// <para>
/// The concatenation of every <see cref="Push"/> result and the final <see cref="Flush"/> equals
/// <c>tokenizer.Decode(allIds)</c>. This relies on the tokenizer's decode being stable under appending
/// ids except for its last character when that is U+FFFD (true for byte-level BPE and for decoders whose
/// output depends on the previous token only, such as dropping the space after BOS).
/// </para>
/// <para>
/// Each push decodes a small window (the previous token for context plus the tokens of an unfinished
/// character), not the whole history. Only the single trailing U+FFFD is ever held back, so a genuinely
/// invalid byte is emitted as soon as the next token brings text, and at the latest by <see cref="Flush"/>.
/// Not thread-safe: one decoder per stream.
/// </para>
/// </remarks>
public sealed class IncrementalDecoder
{
    // A held window longer than this can only hold invalid bytes (a character is at most 4 bytes and
    // every token brings at least one), so it is cut back to a short suffix that decodes the same way.
    private const int MaxWindowTokens = 8;

    private const char ReplacementCharacter = '\uFFFD';

    private readonly ITextTokenizer _tokenizer;
    private readonly List<int> _window = [];

    // How many characters of Decode(_window) have already been returned.
    private int _emittedChars;

    /// <summary>Creates a decoder over <paramref name="tokenizer"/>.</summary>
    public IncrementalDecoder(ITextTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        _tokenizer = tokenizer;
    }

    /// <summary>Adds one generated id and returns the text it completes (possibly empty).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is unknown to the tokenizer.</exception>
    public string Push(int id)
    {
        _window.Add(id);
        string text;
        try
        {
            text = _tokenizer.Decode(_window);
        }
        catch
        {
            _window.RemoveAt(_window.Count - 1);
            throw;
        }

        var pending = text.Length > 0 && text[^1] == ReplacementCharacter;
        var stableEnd = pending ? text.Length - 1 : text.Length;
        var output = stableEnd > _emittedChars ? text[_emittedChars..stableEnd] : string.Empty;
        _emittedChars = Math.Max(_emittedChars, stableEnd);

        if (!pending)
        {
            // The window ends on a complete character: keep only the last token as context.
            _window.Clear();
            _window.Add(id);
            _emittedChars = _tokenizer.Decode(_window).Length;
        }
        else if (_window.Count > MaxWindowTokens)
        {
            TrimHeldWindow(text);
        }

        return output;
    }

    /// <summary>Returns whatever is still held back (an unfinished character as U+FFFD) and resets the decoder.</summary>
    public string Flush()
    {
        if (_window.Count == 0)
        {
            return string.Empty;
        }

        var text = _tokenizer.Decode(_window);
        var output = text.Length > _emittedChars ? text[_emittedChars..] : string.Empty;
        _window.Clear();
        _emittedChars = 0;
        return output;
    }

    // Drops the window's head at the latest token boundary k where decoding the two halves separately gives
    // the same text as decoding them together. If the bytes before k were an unfinished character, the tokens
    // after k either continue it (then the halves decode differently and k is rejected) or end it (then it can
    // never change again), so decoding from k on stays equal to decoding from the start.
    private void TrimHeldWindow(string text)
    {
        for (var k = _window.Count - 1; k >= 1; k--)
        {
            var head = _tokenizer.Decode(_window.GetRange(0, k));
            var tail = _tokenizer.Decode(_window.GetRange(k, _window.Count - k));
            if (tail.Length > 0 && string.Equals(head + tail, text, StringComparison.Ordinal))
            {
                _window.RemoveRange(0, k);
                _emittedChars -= head.Length;
                return;
            }
        }
    }
}
