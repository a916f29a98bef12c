namespace TokenSkip.Bench;

/// <summary>The token ids both engines are fed: seeded, drawn from ordinary (non-special) ids.</summary>
internal static class BenchPrompts
{
    public static int[] Create(int seed, int length, int vocabulary)
    {
        var random = new Random(seed);
        // Ids 256.. avoid the placeholder vocabulary's byte tokens; stop well below Qwen's special ids (151643+).
        return Enumerable.Range(0, length).Select(_ => random.Next(256, Math.Min(vocabulary, 151_000))).ToArray();
    }

    public static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
