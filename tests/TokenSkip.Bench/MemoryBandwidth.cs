using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;

namespace TokenSkip.Bench;

/// <summary>
/// The machine's read bandwidth: threads summing disjoint parts of a 1 GiB float array with SIMD, which is what
/// batch-1 decoding does with weights. The best of several passes is the ceiling a decoder can approach.
/// </summary>
internal static unsafe class MemoryBandwidth
{
    public static (double MedianGBps, double BestGBps) Measure(int threads, int passes = 7)
    {
        const long bytes = 1L << 30;
        var data = (float*)NativeMemory.AlignedAlloc((nuint)bytes, 64);
        try
        {
            var count = bytes / sizeof(float);
            new Span<byte>(data, (int)bytes).Fill(0); // fault every page in before timing
            var rates = new List<double>();
            for (var pass = 0; pass < passes + 1; pass++)
            {
                var clock = Stopwatch.StartNew();
                var workers = Enumerable.Range(0, threads).Select(t => new Thread(() => Sum(data + count / threads * t, count / threads))).ToList();
                workers.ForEach(w => w.Start());
                workers.ForEach(w => w.Join());
                if (pass > 0)
                {
                    rates.Add(bytes / clock.Elapsed.TotalSeconds / 1e9);
                }
            }

            return (Statistics.Median(rates), rates.Max());
        }
        finally
        {
            NativeMemory.AlignedFree(data);
        }
    }

    private static float Sum(float* data, long count)
    {
        var width = Vector<float>.Count;
        Vector<float> a = default, b = default, c = default, d = default;
        for (long i = 0; i + 4 * width <= count; i += 4 * width)
        {
            a += *(Vector<float>*)(data + i);
            b += *(Vector<float>*)(data + i + width);
            c += *(Vector<float>*)(data + i + 2 * width);
            d += *(Vector<float>*)(data + i + 3 * width);
        }

        return Vector.Sum(a + b + c + d);
    }
}
