namespace TokenSkip.LoadBench;

/// <summary>One concurrency level, one run: throughput over the wall-clock time, and latency percentiles.</summary>
internal sealed record LevelResult(int Concurrency, TimeSpan Wall, IReadOnlyList<RequestSample> Samples)
{
    public int Errors => Samples.Count(s => s.Error is not null);

    public int Tokens => Samples.Sum(s => s.CompletionTokens);

    public double TokensPerSecond => Tokens / Wall.TotalSeconds;

    public double TimeToFirstToken(double percentile) => Percentile(Samples.Select(s => s.TimeToFirstToken.TotalMilliseconds), percentile);

    public double Latency(double percentile) => Percentile(Samples.Select(s => s.Latency.TotalMilliseconds), percentile);

    // Nearest-rank percentile.
    private static double Percentile(IEnumerable<double> values, double percentile)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
