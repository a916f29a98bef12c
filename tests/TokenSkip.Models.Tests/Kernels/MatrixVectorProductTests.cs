using System.Runtime.InteropServices;
using TokenSkip.Models.Kernels;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TokenSkip.Models.Tests.Kernels;

/// <summary>The SIMD matrix-vector kernel against libtorch in float64 on the same (rounded) weights, on sizes with SIMD tails.</summary>
public sealed class MatrixVectorProductTests
{
    public static TheoryData<WeightFormat, int, int, int, bool> Cases()
    {
        var data = new TheoryData<WeightFormat, int, int, int, bool>();
        foreach (var format in Enum.GetValues<WeightFormat>())
        {
            data.Add(format, 1, 1, 1, false);
            data.Add(format, 7, 13, 1, true);
            data.Add(format, 37, 67, 3, true);
            data.Add(format, 130, 1000, 2, false);
            data.Add(format, 65, 257, 4, true);
            data.Add(format, 200, 896, 1, true);
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void MatchesLibtorchInFloat64(WeightFormat format, int outFeatures, int inFeatures, int rows, bool withBias)
    {
        Skip.IfNot(MatrixVectorProduct.IsAccelerated, "SIMD is not hardware-accelerated here; the kernel is not used");
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)(outFeatures * 31 + inFeatures));
        var weight = randn([outFeatures, inFeatures], generator: generator).to_type(TypeOf(format));
        var input = randn([rows, inFeatures], generator: generator);
        var bias = randn([outFeatures], generator: generator);
        var expected = nn.functional.linear(input.to_type(ScalarType.Float64), weight.to_type(ScalarType.Float64),
            withBias ? bias.to_type(ScalarType.Float64) : null).data<double>().ToArray();
        var scale = matmul(input.abs().to_type(ScalarType.Float64), weight.abs().to_type(ScalarType.Float64).t()).data<double>().ToArray();

        var output = new float[rows * outFeatures];
        MatrixVectorProduct.Multiply(weight.bytes, format, outFeatures, inFeatures, input.data<float>().ToArray(),
            withBias ? bias.data<float>().ToArray() : [], output);

        for (var i = 0; i < output.Length; i++)
        {
            // float32 accumulation: the error is a few ulps of the sum of |terms|.
            Assert.True(Math.Abs(output[i] - expected[i]) <= 1e-5 * (scale[i] + 1),
                $"{format} [{outFeatures}×{inFeatures}]×{rows} element {i}: {output[i]} vs {expected[i]}");
        }
    }

    [SkippableFact]
    public void ThreadPoolGivesBitIdenticalResults()
    {
        Skip.IfNot(MatrixVectorProduct.IsAccelerated, "SIMD is not hardware-accelerated here; the kernel is not used");
        using var scope = NewDisposeScope();
        using var pool = new KernelThreadPool(3);
        var generator = new Generator(5);
        foreach (var format in Enum.GetValues<WeightFormat>())
        {
            var weight = randn([1001, 129], generator: generator).to_type(TypeOf(format));
            var input = randn([2, 129], generator: generator).data<float>().ToArray();
            var alone = new float[2 * 1001];
            var pooled = new float[2 * 1001];
            MatrixVectorProduct.Multiply(weight.bytes, format, 1001, 129, input, [], alone);
            for (var run = 0; run < 20; run++)
            {
                MatrixVectorProduct.Multiply(weight.bytes, format, 1001, 129, input, [], pooled, pool);
                Assert.Equal(alone, pooled);
            }
        }
    }

    [Fact]
    public void SpecialFloat16ValuesWidenExactly()
    {
        Skip.IfNot(MatrixVectorProduct.IsAccelerated, "SIMD is not hardware-accelerated here; the kernel is not used");
        // One row of 64 halves (enough for the SIMD loop): subnormals, extremes, signed zeros, infinity; x picks one each.
        Half[] values = [BitConverter.UInt16BitsToHalf(1), BitConverter.UInt16BitsToHalf(0x03FF), BitConverter.UInt16BitsToHalf(0x8001),
            Half.MaxValue, Half.MinValue, (Half)0f, (Half)(-0f), Half.PositiveInfinity, (Half)1.5f, (Half)(-3.25f)];
        foreach (var (value, index) in values.Select((v, i) => (v, i)))
        {
            var row = new Half[64];
            var position = index * 5 % 64;
            row[position] = value;
            var x = new float[64];
            x[position] = 1f;
            var output = new float[1];
            MatrixVectorProduct.Multiply(MemoryMarshal.AsBytes(row.AsSpan()), WeightFormat.Float16, 1, 64, x, [], output);
            Assert.Equal((float)value, output[0]);
        }
    }

    [Fact]
    public void SizeMismatchesAreRefused()
    {
        var weight = new byte[6 * 4 * 4];
        Assert.Throws<ArgumentException>(() => MatrixVectorProduct.Multiply(weight, WeightFormat.Float32, 6, 4, new float[5], [], new float[6]));
        Assert.Throws<ArgumentException>(() => MatrixVectorProduct.Multiply(weight, WeightFormat.BFloat16, 6, 4, new float[4], [], new float[6]));
        Assert.Throws<ArgumentException>(() => MatrixVectorProduct.Multiply(weight, WeightFormat.Float32, 6, 4, new float[4], new float[5], new float[6]));
        Assert.Throws<ArgumentException>(() => MatrixVectorProduct.Multiply(weight, WeightFormat.Float32, 6, 4, new float[8], [], new float[6]));
    }

    internal static ScalarType TypeOf(WeightFormat format) => format switch
    {
        WeightFormat.Float32 => ScalarType.Float32,
        WeightFormat.BFloat16 => ScalarType.BFloat16,
        _ => ScalarType.Float16,
    };
}
