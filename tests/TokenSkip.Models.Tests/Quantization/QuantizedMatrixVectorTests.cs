using TokenSkip.Models.Kernels;
using TokenSkip.Models.Quantization;
using Xunit;

namespace TokenSkip.Models.Tests.Quantization;

/// <summary>
/// The quantized matrix-vector kernels on every instruction-set path this CPU has (the portable one always) against a
/// float64 product with the dequantized weights.
/// </summary>
public sealed class QuantizedMatrixVectorTests
{
    public static TheoryData<QuantizedKernelPath, QuantizationType, int, int, int, bool> Cases()
    {
        var data = new TheoryData<QuantizedKernelPath, QuantizationType, int, int, int, bool>();
        foreach (var path in Enum.GetValues<QuantizedKernelPath>())
        {
            foreach (var type in new[] { QuantizationType.Q8_0, QuantizationType.Q4_0 })
            {
                data.Add(path, type, 1, 32, 1, false);
                data.Add(path, type, 7, 96, 3, true);    // an odd number of blocks: the 2-block loops' tail
                data.Add(path, type, 130, 256, 4, true);
                data.Add(path, type, 200, 896, 1, false);
                data.Add(path, type, 4, 64, 2, true);      // exactly one group of the four-row kernels
                data.Add(path, type, 67, 160, 1, true);    // groups, then a tail of 3 rows; two thread-pool chunks
            }
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void MatchesTheDequantizedProduct(QuantizedKernelPath path, QuantizationType type, int outFeatures, int inFeatures, int rows, bool withBias)
    {
        Skip.IfNot(QuantizedMatrixVector.IsSupported(path), $"this CPU has no {path}");
        var random = new Random(outFeatures * 7 + inFeatures);
        var weights = Enumerable.Range(0, outFeatures * inFeatures).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var input = Enumerable.Range(0, rows * inFeatures).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        var bias = Enumerable.Range(0, outFeatures).Select(_ => (float)random.NextDouble()).ToArray();
        using var matrix = QuantizedMatrix.Quantize(type, weights, outFeatures, inFeatures);
        var dequantized = new float[weights.Length];
        matrix.DequantizeRows(0, outFeatures, dequantized);

        var output = new float[rows * outFeatures];
        QuantizedMatrixVector.Multiply(matrix, input, withBias ? bias : [], output, path: path);

        for (var r = 0; r < rows; r++)
        {
            for (var o = 0; o < outFeatures; o++)
            {
                // The input is quantized to 8 bits per block: each value moves by at most half a step, amax/254.
                double expected = withBias ? bias[o] : 0, bound = 1e-4;
                for (var i = 0; i < inFeatures; i++)
                {
                    var w = (double)dequantized[o * inFeatures + i];
                    var blockMax = input.AsSpan(r * inFeatures + i / 32 * 32, 32).ToArray().Max(MathF.Abs);
                    expected += w * input[r * inFeatures + i];
                    bound += Math.Abs(w) * blockMax / 254 * 1.001 + Math.Abs(w * input[r * inFeatures + i]) * 1e-6;
                }

                var actual = output[r * outFeatures + o];
                Assert.True(Math.Abs(actual - expected) <= bound, $"{path} {type} row {r} output {o}: {actual} vs {expected} (bound {bound})");
            }
        }
    }

    [SkippableTheory]
    [InlineData(QuantizedKernelPath.Portable)]
    [InlineData(QuantizedKernelPath.Avx2)]
    [InlineData(QuantizedKernelPath.Avx2Vnni)]
    [InlineData(QuantizedKernelPath.Avx512)]
    public void Q5_0MatchesTheDequantizedProduct(QuantizedKernelPath path)
    {
        Skip.IfNot(QuantizedMatrixVector.IsSupported(path), $"this CPU has no {path}");
        const int outFeatures = 9, inFeatures = 96, rows = 2;
        var random = new Random(23);
        var bytes = RandomBlocks(QuantizationType.Q5_0, outFeatures, inFeatures, [0], random);
        var input = Enumerable.Range(0, rows * inFeatures).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        using var matrix = QuantizedMatrix.FromBytes(QuantizationType.Q5_0, outFeatures, inFeatures, bytes);
        var dequantized = new float[outFeatures * inFeatures];
        matrix.DequantizeRows(0, outFeatures, dequantized);
        var output = new float[rows * outFeatures];

        QuantizedMatrixVector.Multiply(matrix, input, [], output, path: path);

        for (var r = 0; r < rows; r++)
        {
            for (var o = 0; o < outFeatures; o++)
            {
                double expected = 0, bound = 1e-4;
                for (var i = 0; i < inFeatures; i++)
                {
                    var w = (double)dequantized[o * inFeatures + i];
                    expected += w * input[r * inFeatures + i];
                    bound += Math.Abs(w) * input.AsSpan(r * inFeatures + i / 32 * 32, 32).ToArray().Max(MathF.Abs) / 254 * 1.001;
                }

                Assert.True(Math.Abs(output[r * outFeatures + o] - expected) <= bound, $"{path} row {r} output {o}: {output[r * outFeatures + o]} vs {expected}");
            }
        }
    }

    [SkippableTheory]
    [InlineData(QuantizationType.Q8_0)]
    [InlineData(QuantizationType.Q4_0)]
    public void EveryPathAndTheThreadPoolAgree(QuantizationType type)
    {
        var random = new Random(11);
        const int outFeatures = 300, inFeatures = 320, rows = 2;
        var weights = Enumerable.Range(0, outFeatures * inFeatures).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var input = Enumerable.Range(0, rows * inFeatures).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        using var matrix = QuantizedMatrix.Quantize(type, weights, outFeatures, inFeatures);
        var portable = new float[rows * outFeatures];
        QuantizedMatrixVector.Multiply(matrix, input, [], portable, path: QuantizedKernelPath.Portable);
        using var pool = new KernelThreadPool(3);

        var tested = 0;
        foreach (var path in Enum.GetValues<QuantizedKernelPath>().Where(QuantizedMatrixVector.IsSupported))
        {
            var single = new float[portable.Length];
            var pooled = new float[portable.Length];
            QuantizedMatrixVector.Multiply(matrix, input, [], single, path: path);
            QuantizedMatrixVector.Multiply(matrix, input, [], pooled, pool, path);

            Assert.Equal(single, pooled); // each output is computed by one thread the same way
            for (var i = 0; i < portable.Length; i++)
            {
                // The integer block products are exact; only the float32 order of the block sums differs.
                Assert.True(Math.Abs(single[i] - portable[i]) <= 1e-4 * (1 + Math.Abs(portable[i])), $"{path} {i}: {single[i]} vs {portable[i]}");
            }

            tested++;
        }

        Assert.True(tested >= 1);
    }

    public static TheoryData<QuantizedKernelPath, QuantizationType, int[]> KQuantCases()
    {
        var data = new TheoryData<QuantizedKernelPath, QuantizationType, int[]>();
        foreach (var path in Enum.GetValues<QuantizedKernelPath>())
        {
            data.Add(path, QuantizationType.Q4_K, [0, 2]);
            data.Add(path, QuantizationType.Q6_K, [208]);
        }

        return data;
    }

    // Q4_K on the AVX2 paths multiplies 8-bit activation codes (as llama.cpp's q8_K); the other paths and Q6_K multiply
    // the dequantized row in float32. The bound covers both: each input moves by at most half a step, amax/254, per block.
    [SkippableTheory]
    [MemberData(nameof(KQuantCases))]
    public void ReadOnlyTypesDecodeAsTheirDequantizedRows(QuantizedKernelPath path, QuantizationType type, int[] scaleOffsets)
    {
        Skip.IfNot(QuantizedMatrixVector.IsSupported(path), $"this CPU has no {path}");

        // Random blocks (any bit pattern is a valid block once its float16 scales are finite); 70 rows and 3 inputs.
        const int outFeatures = 70, inFeatures = 512, rows = 3;
        var random = new Random(17);
        var bytes = RandomBlocks(type, outFeatures, inFeatures, scaleOffsets, random);

        var input = Enumerable.Range(0, rows * inFeatures).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        using (var matrix = QuantizedMatrix.FromBytes(type, outFeatures, inFeatures, bytes))
        {
            var dequantized = new float[outFeatures * inFeatures];
            matrix.DequantizeRows(0, outFeatures, dequantized);
            var output = new float[rows * outFeatures];
            using var pool = new KernelThreadPool(2);
            QuantizedMatrixVector.Multiply(matrix, input, [], output, pool, path);

            for (var r = 0; r < rows; r++)
            {
                for (var o = 0; o < outFeatures; o++)
                {
                    double expected = 0, bound = 1e-5;
                    for (var i = 0; i < inFeatures; i++)
                    {
                        var w = (double)dequantized[o * inFeatures + i];
                        var blockMax = input.AsSpan(r * inFeatures + i / 32 * 32, 32).ToArray().Max(MathF.Abs);
                        expected += w * input[r * inFeatures + i];
                        bound += Math.Abs(w) * blockMax / 254 * 1.001 + Math.Abs(w * input[r * inFeatures + i]) * 1e-5;
                    }

                    Assert.True(Math.Abs(output[r * outFeatures + o] - expected) <= bound, $"{path} {type} row {r} output {o}: {output[r * outFeatures + o]} vs {expected} (bound {bound})");
                }
            }

            Assert.Contains(dequantized, v => v != 0);
        }
    }

    // Random blocks: any bit pattern is a valid block once its float16 scales (at the given offsets) are finite.
    private static byte[] RandomBlocks(QuantizationType type, int outFeatures, int inFeatures, int[] scaleOffsets, Random random)
    {
        var blockBytes = QuantizationTypes.BlockBytes(type);
        var bytes = new byte[QuantizationTypes.RowBytes(type, inFeatures) * outFeatures];
        random.NextBytes(bytes);
        for (var block = 0; block < bytes.Length; block += blockBytes)
        {
            foreach (var offset in scaleOffsets)
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(block + offset, 2), BitConverter.HalfToUInt16Bits((Half)(0.001f * (1 + random.Next(20)))));
            }
        }

        return bytes;
    }
}
