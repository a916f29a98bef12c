namespace TokenSkip.ReplicaBench;

/// <summary>One measured run: N replicas, optionally one killed part-way.</summary>
/// <param name="Replicas">Replicas at the start.</param>
/// <param name="Killed">Whether one replica was killed mid-run.</param>
/// <param name="Records">Records written.</param>
/// <param name="Tokens">Completion tokens in them.</param>
/// <param name="Seconds">Wall time of the stage.</param>
/// <param name="Missing">Problems without a record.</param>
/// <param name="Duplicated">Records written more than once.</param>
/// <param name="Wrong">Records whose text is not the replica's full reply (spliced or cut).</param>
internal sealed record BenchRun(int Replicas, bool Killed, int Records, long Tokens, double Seconds, int Missing, int Duplicated, int Wrong)
{
    public double RecordsPerSecond => Records / Seconds;

    public double TokensPerSecond => Tokens / Seconds;

    public bool Intact => Missing == 0 && Duplicated == 0 && Wrong == 0;
}
