namespace TokenSkip.Core.Generation;

/// <summary>
/// Streams text while watching for stop strings: text that could still be the start of a stop string is held back,
/// so a caller never emits (and then has to retract) part of a stop string.
/// </summary>
public sealed class StopSequenceFilter
{
    private readonly IReadOnlyList<string> _stops;
    private string _pending = string.Empty;

    /// <summary>Creates a filter for <paramref name="stops"/> (may be empty).</summary>
    public StopSequenceFilter(IReadOnlyList<string> stops) => _stops = stops;

    /// <summary>True once a stop string has been seen; nothing more is emitted afterwards.</summary>
    public bool Stopped { get; private set; }

    /// <summary>The stop string that matched, if any.</summary>
    public string? MatchedStop { get; private set; }

    /// <summary>Adds newly decoded text and returns the part that is safe to emit.</summary>
    public string Push(string delta)
    {
        if (Stopped)
        {
            return string.Empty;
        }

        if (_stops.Count == 0)
        {
            return delta;
        }

        _pending += delta;
        var (index, stop) = FindEarliestStop(_pending);
        if (stop is not null)
        {
            Stopped = true;
            MatchedStop = stop;
            var emit = _pending[..index];
            _pending = string.Empty;
            return emit;
        }

        var hold = LongestSuffixThatStartsAStop(_pending);
        var safe = _pending[..^hold];
        _pending = _pending[^hold..];
        return safe;
    }

    /// <summary>Returns any held-back text (at the end of generation, when no stop string completed).</summary>
    public string Flush()
    {
        var rest = Stopped ? string.Empty : _pending;
        _pending = string.Empty;
        return rest;
    }

    private (int Index, string? Stop) FindEarliestStop(string text)
    {
        var best = (Index: int.MaxValue, Stop: (string?)null);
        foreach (var stop in _stops)
        {
            var index = text.IndexOf(stop, StringComparison.Ordinal);
            if (index >= 0 && index < best.Index)
            {
                best = (index, stop);
            }
        }

        return best;
    }

    private int LongestSuffixThatStartsAStop(string text)
    {
        var longest = 0;
        foreach (var stop in _stops)
        {
            for (var length = Math.Min(stop.Length - 1, text.Length); length > longest; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    longest = length;
                    break;
                }
            }
        }

        return longest;
    }
}
