namespace TokenSkip.Pipeline.Tests.Evaluation;

/// <summary>A clock that moves only when told to (one tick = one millisecond), so timings are exact.</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _milliseconds;

    public override long TimestampFrequency => 1000;

    public override long GetTimestamp() => _milliseconds;

    public void Advance(long milliseconds) => _milliseconds += milliseconds;
}
