using System.Diagnostics;
using TokenSkip.Models.Kernels;
using TokenSkip.Models.Quantization;
using static TorchSharp.torch;

namespace TokenSkip.Bench;

/// <summary>
/// Context for the engine figures: libtorch's GEMM rate (what bounds prefill) and the matrix-vector rate of libtorch
/// and of our kernel on a decode-sized product (what bounds decoding), in float32 and bfloat16, and of the quantized
/// kernels on each instruction-set path this CPU has.
/// </summary>
internal static class ComputeRates
{
    public sealed record Rate(string What, string DType, double Median, string Unit);

    public static IReadOnlyList<Rate> Measure(int threads)
    {
        set_num_threads(threads);
        var rates = new List<Rate>();
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            rates.Add(new Rate("libtorch GEMM 1024×1024×1024 (mm)", Name(dtype), Gemm(dtype, 1024), "GFLOP/s"));
        }

        // A stack of MLP-sized matrices bigger than the caches, so every product streams its weights from memory.
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            rates.Add(new Rate("libtorch GEMV [1×896]·[4864×896]ᵀ (linear)", Name(dtype), Gemv(dtype, useKernel: false), "GB/s of weights"));
            rates.Add(new Rate("TokenSkip kernel GEMV [1×896]·[4864×896]ᵀ", Name(dtype), Gemv(dtype, useKernel: true), "GB/s of weights"));
        }

        foreach (var type in new[] { QuantizationType.Q8_0, QuantizationType.Q4_0 })
        {
            foreach (var path in Enum.GetValues<QuantizedKernelPath>().Where(QuantizedMatrixVector.IsSupported))
            {
                rates.Add(new Rate($"TokenSkip quantized kernel GEMV [1×896]·[4864×896]ᵀ, {path}{(path == QuantizedMatrixVector.BestPath ? " (used)" : string.Empty)}",
                    QuantizationTypes.NameOf(type), QuantizedGemv(type, path, threads), "GB/s of weights"));
            }
        }

        return rates;
    }

    private static double QuantizedGemv(QuantizationType type, QuantizedKernelPath path, int threads)
    {
        const int count = 64;
        var random = new Random(1);
        var values = Enumerable.Range(0, 4864 * 896).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var weights = Enumerable.Range(0, count).Select(_ => QuantizedMatrix.Quantize(type, values, 4864, 896)).ToArray();
        try
        {
            var x = values.AsSpan(0, 896).ToArray();
            var y = new float[4864];
            var pool = KernelThreadPool.Shared(threads);
            var bytes = (double)count * weights[0].ByteCount;
            var rates = new List<double>();
            for (var rep = 0; rep < 6; rep++)
            {
                var clock = Stopwatch.StartNew();
                foreach (var w in weights)
                {
                    QuantizedMatrixVector.Multiply(w, x, [], y, pool, path);
                }

                if (rep > 0)
                {
                    rates.Add(bytes / clock.Elapsed.TotalSeconds / 1e9);
                }
            }

            return Statistics.Median(rates);
        }
        finally
        {
            foreach (var w in weights)
            {
                w.Dispose();
            }
        }
    }

    private static string Name(ScalarType dtype) => dtype == ScalarType.Float32 ? "float32" : "bfloat16";

    private static double Gemm(ScalarType dtype, int n)
    {
        using var scope = NewDisposeScope();
        var a = randn([n, n], dtype);
        var b = randn([n, n], dtype);
        var rates = new List<double>();
        for (var rep = 0; rep < 6; rep++)
        {
            var clock = Stopwatch.StartNew();
            using var c = mm(a, b);
            if (rep > 0)
            {
                rates.Add(2.0 * n * n * n / clock.Elapsed.TotalSeconds / 1e9);
            }
        }

        return Statistics.Median(rates);
    }

    private static double Gemv(ScalarType dtype, bool useKernel)
    {
        const int count = 64; // 64 × 4864 × 896 weights: 279 MB in float32, beyond any cache
        using var scope = NewDisposeScope();
        var weights = Enumerable.Range(0, count).Select(_ => randn([4864, 896], dtype)).ToArray();
        HugePages.Advise(weights); // as the engine does with loaded weights; both products read the same memory
        var x = randn([1, 896], dtype);
        var bytes = (double)count * 4864 * 896 * weights[0].ElementSize;
        var rates = new List<double>();
        for (var rep = 0; rep < 6; rep++)
        {
            var clock = Stopwatch.StartNew();
            foreach (var w in weights)
            {
                using var y = useKernel ? MatrixVectorLinear.TryApply(x, w, null)! : nn.functional.linear(x, w);
            }

            if (rep > 0)
            {
                rates.Add(bytes / clock.Elapsed.TotalSeconds / 1e9);
            }
        }

        return Statistics.Median(rates);
    }
}
