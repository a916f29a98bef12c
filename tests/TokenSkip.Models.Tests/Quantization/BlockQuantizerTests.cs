using TokenSkip.Models.Quantization;
using Xunit;

namespace TokenSkip.Models.Tests.Quantization;

/// <summary>The block formats' bytes and round-trip error against what ggml's reference quantizers guarantee.</summary>
public sealed class BlockQuantizerTests
{
    [Theory]
    [InlineData(QuantizationType.Q8_0)]
    [InlineData(QuantizationType.Q4_0)]
    public void RoundTripErrorIsWithinHalfAStepPerBlock(QuantizationType type)
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 32 * 40).Select(i => (float)(random.NextDouble() * 2 - 1) * (1 + i / 32)).ToArray();
        values[5] = 0; // a zero and an all-zero block must survive
        Array.Clear(values, 64, 32);
        var bytes = new byte[values.Length / 32 * QuantizationTypes.BlockBytes(type)];
        var back = new float[values.Length];

        BlockQuantizer.Quantize(type, values, bytes);
        BlockQuantizer.Dequantize(type, bytes, back);

        for (var b = 0; b < values.Length / 32; b++)
        {
            var block = values.AsSpan(b * 32, 32).ToArray();
            var amax = block.Max(MathF.Abs);
            // One quantization step is amax/127 (Q8_0) or amax/8 (Q4_0); rounding costs half a step, except Q4_0's top
            // code, which is clamped (a whole step), plus the float16 rounding of the scale.
            var step = type == QuantizationType.Q8_0 ? amax / 127 : amax / 8;
            var bound = (type == QuantizationType.Q8_0 ? 0.5f : 1f) * step + amax * 1e-3f + 1e-7f;
            for (var j = 0; j < 32; j++)
            {
                Assert.True(MathF.Abs(back[b * 32 + j] - block[j]) <= bound, $"{type} block {b} value {j}: {block[j]} → {back[b * 32 + j]} (bound {bound})");
            }
        }

        Assert.All(back.AsSpan(64, 32).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Q4_0UsesGgmlsLayoutAndMapsTheLargestMagnitudeToCodeZero()
    {
        // x_j = j − 8: the largest magnitude is +23, so d = 23 / −8 and 23 is code 0; byte j holds x_j low, x_{j+16} high.
        var values = Enumerable.Range(0, 32).Select(j => (float)(j - 8)).ToArray();
        var bytes = new byte[18];

        BlockQuantizer.Quantize(QuantizationType.Q4_0, values, bytes);

        Assert.Equal(BitConverter.HalfToUInt16Bits((Half)(-2.875f)), BitConverter.ToUInt16(bytes, 0));
        Assert.Equal(0, bytes[2 + 15] >> 4); // x_31 = 23
        Assert.Equal(11, bytes[2] & 0x0F);   // x_0 = −8 → −8 · −0.3478 + 8.5 = 11.28 → 11
        var back = new float[32];
        BlockQuantizer.Dequantize(QuantizationType.Q4_0, bytes, back);
        Assert.Equal(23f, back[31]);
    }

    [Fact]
    public void Q8_0UsesGgmlsLayout()
    {
        var values = Enumerable.Range(0, 32).Select(j => j == 3 ? -2.54f : j * 0.01f).ToArray();
        var bytes = new byte[34];

        BlockQuantizer.Quantize(QuantizationType.Q8_0, values, bytes);

        Assert.Equal(BitConverter.HalfToUInt16Bits((Half)(2.54f / 127)), BitConverter.ToUInt16(bytes, 0));
        Assert.Equal(-127, (sbyte)bytes[2 + 3]);
        Assert.Equal((sbyte)MathF.Round(0.31f * 127 / 2.54f, MidpointRounding.AwayFromZero), (sbyte)bytes[2 + 31]);
    }

    [Fact]
    public void SizesThatAreNotWholeBlocksAreRefused()
    {
        Assert.Throws<ArgumentException>(() => BlockQuantizer.Quantize(QuantizationType.Q8_0, new float[33], new byte[68]));
        Assert.Throws<ArgumentException>(() => BlockQuantizer.Quantize(QuantizationType.Q4_0, new float[32], new byte[34]));
        Assert.Throws<ArgumentException>(() => QuantizationTypes.Parse("q5_1"));
        Assert.Equal(QuantizationType.Q4_0, QuantizationTypes.Parse("Q4_0"));
    }

    [Theory]
    [InlineData(QuantizationType.Q5_0, new[] { 0 })]
    [InlineData(QuantizationType.Q4_K, new[] { 0, 2 })]
    [InlineData(QuantizationType.Q6_K, new[] { 208 })]
    [InlineData(QuantizationType.Q8_0, new[] { 0 })]
    [InlineData(QuantizationType.Q4_0, new[] { 0 })]
    public void TheDispatchedDequantizerGivesTheReferenceLoopsBits(QuantizationType type, int[] scaleOffsets)
    {
        // Random bit patterns (every code, every sub-block scale and min) with finite float16 scales; an odd block count.
        const int blocks = 7;
        var random = new Random(5);
        var blockBytes = QuantizationTypes.BlockBytes(type);
        var bytes = new byte[blocks * blockBytes];
        random.NextBytes(bytes);
        for (var block = 0; block < bytes.Length; block += blockBytes)
        {
            foreach (var offset in scaleOffsets)
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(block + offset, 2), BitConverter.HalfToUInt16Bits((Half)(0.01f * (random.Next(41) - 20))));
            }
        }

        var elements = blocks * QuantizationTypes.BlockElements(type);
        var dispatched = new float[elements];
        var reference = new float[elements];
        BlockQuantizer.Dequantize(type, bytes, dispatched);
        BlockQuantizer.DequantizeScalar(type, bytes, reference);

        Assert.Equal(reference, dispatched);
        Assert.Contains(reference, v => v != 0);
    }
}
