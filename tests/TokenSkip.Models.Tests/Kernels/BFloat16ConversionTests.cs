using System.Runtime.InteropServices;
using TokenSkip.Models.Kernels;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TokenSkip.Models.Tests.Kernels;

public sealed class BFloat16ConversionTests
{
    [Fact]
    public void RoundingIsBitExactWithLibtorch()
    {
        using var scope = NewDisposeScope();
        var random = new Random(4);
        var values = Enumerable.Range(0, 1001).Select(_ => BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32)))
            .Where(v => !float.IsNaN(v))
            .Concat([0f, -0f, 1f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, float.PositiveInfinity,
                float.NegativeInfinity, BitConverter.UInt32BitsToSingle(0x3F808000), BitConverter.UInt32BitsToSingle(0x3F818000),
                BitConverter.UInt32BitsToSingle(0x3F808001), BitConverter.UInt32BitsToSingle(0x7F7FFFFF)])
            .ToArray();
        var expected = MemoryMarshal.Cast<byte, ushort>(tensor(values).to_type(ScalarType.BFloat16).bytes).ToArray();

        var actual = new ushort[values.Length];
        BFloat16Conversion.FromSingle(values, actual);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void NaNStaysNaNAndWideningIsExact()
    {
        var narrow = new ushort[3];
        BFloat16Conversion.FromSingle([float.NaN, BitConverter.UInt32BitsToSingle(0x7FFFFFFF), BitConverter.UInt32BitsToSingle(0xFF800001)], narrow);
        var wide = new float[3];
        BFloat16Conversion.ToSingle(narrow, wide);
        Assert.All(wide, v => Assert.True(float.IsNaN(v)));

        var all = Enumerable.Range(0, 65536).Select(i => (ushort)i).ToArray();
        var widened = new float[all.Length];
        BFloat16Conversion.ToSingle(all, widened);
        Assert.All(all, b => Assert.Equal((uint)b << 16, BitConverter.SingleToUInt32Bits(widened[b])));
    }
}
