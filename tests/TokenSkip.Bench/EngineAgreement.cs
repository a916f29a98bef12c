using System.Runtime.InteropServices;

namespace TokenSkip.Bench;

/// <summary>How closely two engines agree on the same weights: the logits after the prompt and the greedy tokens.</summary>
internal sealed record EngineAgreement
{
    public required string Ours { get; init; }

    public required string Theirs { get; init; }

    /// <summary>Greedy tokens generated identically from the start (of <see cref="TokensCompared"/>).</summary>
    public required int MatchingLeadingTokens { get; init; }

    public required int TokensCompared { get; init; }

    public required double MaxAbsLogitDifference { get; init; }

    public required double MaxAbsLogit { get; init; }

    /// <summary>Cosine similarity of the two logit vectors after the prompt.</summary>
    public required double Cosine { get; init; }

    public required bool SameTopToken { get; init; }

    /// <summary>How many of our top-5 tokens after the prompt are in theirs.</summary>
    public required int TopFiveOverlap { get; init; }

    public static EngineAgreement? Compare(EngineMeasurement ours, EngineMeasurement theirs)
    {
        if (ours.LogitsFile is null || theirs.LogitsFile is null || !File.Exists(ours.LogitsFile) || !File.Exists(theirs.LogitsFile))
        {
            return null;
        }

        var a = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(ours.LogitsFile)).ToArray();
        var b = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(theirs.LogitsFile)).ToArray();
        if (a.Length != b.Length)
        {
            return null;
        }

        var compared = Math.Min(ours.GreedyTokens.Length, theirs.GreedyTokens.Length);
        var matching = 0;
        while (matching < compared && ours.GreedyTokens[matching] == theirs.GreedyTokens[matching])
        {
            matching++;
        }

        var topA = TopFive(a);
        var topB = TopFive(b);
        return new EngineAgreement
        {
            Ours = $"{ours.Engine} {ours.Precision}",
            Theirs = $"{theirs.Engine} {theirs.Precision}",
            MatchingLeadingTokens = matching,
            TokensCompared = compared,
            MaxAbsLogitDifference = a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max(),
            MaxAbsLogit = a.Max(x => Math.Abs((double)x)),
            Cosine = a.Zip(b, (x, y) => (double)x * y).Sum() / Math.Sqrt(a.Sum(x => (double)x * x) * b.Sum(y => (double)y * y)),
            SameTopToken = topA[0] == topB[0],
            TopFiveOverlap = topA.Intersect(topB).Count(),
        };
    }

    private static int[] TopFive(float[] values) =>
        values.Select((v, i) => (v, i)).OrderByDescending(p => p.v).Take(5).Select(p => p.i).ToArray();
}
