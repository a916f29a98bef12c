namespace TokenSkip.Core.Text;

/// <summary>TEMPORARY stub; replaced by the tokenizer branch.</summary>
public sealed class IncrementalDecoder(ITextTokenizer tokenizer)
{
    private readonly List<int> _ids = [];
    private int _emitted;

    /// <summary>Pushes a token.</summary>
    public string Push(int id)
    {
        _ids.Add(id);
        var text = tokenizer.Decode(_ids);
        if (text.EndsWith('\uFFFD'))
        {
            return string.Empty;
        }

        var delta = text[_emitted..];
        _emitted = text.Length;
        return delta;
    }

    /// <summary>Flushes.</summary>
    public string Flush()
    {
        var text = tokenizer.Decode(_ids);
        var delta = text[Math.Min(_emitted, text.Length)..];
        _emitted = text.Length;
        return delta;
    }
}
