namespace TokenSkip.Core.Compression;

/// <summary>
/// Percentiles computed exactly as <c>numpy.percentile</c> does with its default "linear" method (Hyndman and
/// Fan's type 7), including its rounding: the virtual index is <c>(n-1)·(p/100)</c>, and the interpolation
/// between neighbours a and b at fraction t is <c>a + (b-a)·t</c> for t &lt; 0.5 and <c>b - (b-a)·(1-t)</c>
/// otherwise. Equal neighbours therefore give exactly their value, which the strict <c>&gt;</c> of the
/// pruning rule depends on.
/// </summary>
public static class Percentile
{
    /// <summary>The <paramref name="percent"/>-th percentile of <paramref name="values"/> (any order).</summary>
    /// <exception cref="ArgumentException">No values, or a NaN value.</exception>
    public static double Linear(IReadOnlyList<double> values, double percent)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Weighted(values, Enumerable.Repeat(1, values.Count).ToArray(), percent);
    }

    /// <summary>
    /// The <paramref name="percent"/>-th percentile of the list in which each <c>values[i]</c> appears
    /// <c>weights[i]</c> times, computed without building that list.
    /// </summary>
    /// <exception cref="ArgumentException">The lists differ in length, a weight is negative, a value is NaN, or the total weight is 0.</exception>
    public static double Weighted(IReadOnlyList<double> values, IReadOnlyList<int> weights, double percent)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(weights);
        if (values.Count != weights.Count)
        {
            throw new ArgumentException($"{values.Count} values but {weights.Count} weights", nameof(weights));
        }

        if (!(percent >= 0 && percent <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "percentile must be in [0, 100]");
        }

        var order = new int[values.Count];
        long total = 0;
        for (var i = 0; i < order.Length; i++)
        {
            if (double.IsNaN(values[i]))
            {
                throw new ArgumentException($"value {i} is NaN", nameof(values));
            }

            if (weights[i] < 0)
            {
                throw new ArgumentException($"weight {i} is negative ({weights[i]})", nameof(weights));
            }

            order[i] = i;
            total += weights[i];
        }

        if (total == 0)
        {
            throw new ArgumentException("the percentile of an empty list is undefined", nameof(values));
        }

        Array.Sort(order, (x, y) => values[x].CompareTo(values[y]));

        var quantile = percent / 100.0;
        var virtualIndex = (total - 1) * quantile;
        if (virtualIndex >= total - 1)
        {
            return values[order[^1]];
        }

        var below = (long)Math.Floor(virtualIndex);
        var fraction = virtualIndex - below;
        var a = ValueAt(values, weights, order, below);
        var b = ValueAt(values, weights, order, below + 1);
        var difference = b - a;
        return fraction >= 0.5 ? b - (difference * (1 - fraction)) : a + (difference * fraction);
    }

    // The element at `index` of the sorted, weight-expanded list.
    private static double ValueAt(IReadOnlyList<double> values, IReadOnlyList<int> weights, int[] order, long index)
    {
        long seen = 0;
        foreach (var i in order)
        {
            seen += weights[i];
            if (index < seen)
            {
                return values[i];
            }
        }

        return values[order[^1]];
    }
}
