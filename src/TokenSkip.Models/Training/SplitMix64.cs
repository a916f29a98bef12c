namespace TokenSkip.Models.Training;

/// <summary>
/// A tiny, fully specified random generator (SplitMix64), used for data order and dropout seeds so that a run and
/// its resumption draw the same numbers on every machine and runtime version.
/// </summary>
internal sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A seed derived from several integers (run seed, epoch or step, micro-batch).</summary>
    public static long Mix(params long[] values)
    {
        var generator = new SplitMix64(0x5EED);
        ulong result = 0;
        foreach (var value in values)
        {
            generator._state ^= (ulong)value;
            result = generator.Next();
        }

        return (long)(result >> 1);
    }

    /// <summary>A Fisher-Yates permutation of 0..count-1.</summary>
    public static int[] Permutation(int count, long seed)
    {
        var generator = new SplitMix64((ulong)seed);
        var order = Enumerable.Range(0, count).ToArray();
        for (var i = count - 1; i > 0; i--)
        {
            var j = (int)(generator.Next() % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
