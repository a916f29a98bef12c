namespace TokenSkip.Pipeline.Tests.Evaluation;

/// <summary>
/// The clock of <see cref="ScriptedEngine"/> (one tick = one millisecond): whoever reads it sees the time when everything
/// submitted so far has finished, so timings are exact.
/// </summary>
internal sealed class SimulatedClock : TimeProvider
{
    private long _now;
    private long _finished;

    public override long TimestampFrequency => 1000;

    /// <summary>The time as last read (what a request submitted now starts at, slots permitting).</summary>
    public long Now => _now;

    public override long GetTimestamp() => _now = Math.Max(_now, _finished);

    /// <summary>Records that a request will have finished at <paramref name="milliseconds"/>.</summary>
    public void FinishAt(long milliseconds) => _finished = Math.Max(_finished, milliseconds);
}
