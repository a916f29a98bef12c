using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TokenSkip.Models.Quantization;

/// <summary>
/// Converts float32 rows to <see cref="QuantizationType"/> blocks and back, with the arithmetic of ggml's reference
/// quantizers (<c>quantize_row_q8_0_ref</c>, <c>quantize_row_q4_0_ref</c>), so a row quantized here has the bytes
/// llama.cpp's quantizer writes for it.
/// </summary>
public static unsafe class BlockQuantizer
{
    /// <summary>Quantizes <paramref name="values"/> (a multiple of 32) into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The lengths disagree.</exception>
    public static void Quantize(QuantizationType type, ReadOnlySpan<float> values, Span<byte> destination)
    {
        var blocks = CheckSizes(type, values.Length, destination.Length);
        var blockBytes = QuantizationTypes.BlockBytes(type);
        for (var b = 0; b < blocks; b++)
        {
            var x = values.Slice(b * QuantizationTypes.BlockSize, QuantizationTypes.BlockSize);
            var block = destination.Slice(b * blockBytes, blockBytes);
            if (type == QuantizationType.Q8_0)
            {
                QuantizeQ8_0(x, block);
            }
            else
            {
                QuantizeQ4_0(x, block);
            }
        }
    }

    /// <summary>Dequantizes <paramref name="source"/> into <paramref name="destination"/> (a multiple of 32 values).</summary>
    /// <exception cref="ArgumentException">The lengths disagree.</exception>
    public static void Dequantize(QuantizationType type, ReadOnlySpan<byte> source, Span<float> destination)
    {
        var blocks = CheckSizes(type, destination.Length, source.Length);
        fixed (byte* s = source)
        fixed (float* d = destination)
        {
            Dequantize(type, s, d, blocks);
        }
    }

    /// <summary>Dequantizes <paramref name="blocks"/> blocks at <paramref name="source"/> into <paramref name="destination"/>.</summary>
    internal static void Dequantize(QuantizationType type, byte* source, float* destination, int blocks)
    {
        var table = HalfTable.Values;
        var blockBytes = QuantizationTypes.BlockBytes(type);
        for (var b = 0; b < blocks; b++, source += blockBytes, destination += QuantizationTypes.BlockSize)
        {
            var d = table[*(ushort*)source];
            if (type == QuantizationType.Q8_0)
            {
                DequantizeQ8_0(source + 2, d, destination);
            }
            else
            {
                DequantizeQ4_0(source + 2, d, destination);
            }
        }
    }

    private static void QuantizeQ8_0(ReadOnlySpan<float> x, Span<byte> block)
    {
        var amax = 0f;
        foreach (var v in x)
        {
            amax = MathF.Max(amax, MathF.Abs(v));
        }

        var d = amax / 127;
        var id = d != 0 ? 1 / d : 0;
        WriteScale(block, d);
        for (var j = 0; j < QuantizationTypes.BlockSize; j++)
        {
            block[2 + j] = (byte)(sbyte)MathF.Round(x[j] * id, MidpointRounding.AwayFromZero);
        }
    }

    private static void QuantizeQ4_0(ReadOnlySpan<float> x, Span<byte> block)
    {
        // The value of largest magnitude maps to code 0 (−8·d), keeping its sign: d = max / −8.
        float amax = 0, max = 0;
        foreach (var v in x)
        {
            if (amax < MathF.Abs(v))
            {
                amax = MathF.Abs(v);
                max = v;
            }
        }

        var d = max / -8;
        var id = d != 0 ? 1 / d : 0;
        WriteScale(block, d);
        const int half = QuantizationTypes.BlockSize / 2;
        for (var j = 0; j < half; j++)
        {
            var low = Math.Min(15, (int)(sbyte)(x[j] * id + 8.5f));
            var high = Math.Min(15, (int)(sbyte)(x[half + j] * id + 8.5f));
            block[2 + j] = (byte)(low | (high << 4));
        }
    }

    private static void WriteScale(Span<byte> block, float d) =>
        Unsafe.WriteUnaligned(ref block[0], BitConverter.HalfToUInt16Bits((Half)d));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DequantizeQ8_0(byte* q, float d, float* y)
    {
        if (Avx2.IsSupported)
        {
            var scale = Vector256.Create(d);
            for (var j = 0; j < QuantizationTypes.BlockSize; j += 8)
            {
                var ints = Avx2.ConvertToVector256Int32((sbyte*)q + j);
                Avx.Store(y + j, Avx.Multiply(Avx.ConvertToVector256Single(ints), scale));
            }

            return;
        }

        for (var j = 0; j < QuantizationTypes.BlockSize; j++)
        {
            y[j] = ((sbyte*)q)[j] * d;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DequantizeQ4_0(byte* q, float d, float* y)
    {
        const int half = QuantizationTypes.BlockSize / 2;
        if (Avx2.IsSupported)
        {
            var scale = Vector256.Create(d);
            var eight = Vector256.Create(8);
            var raw = Sse2.LoadVector128(q);
            var low = Sse2.And(raw, Vector128.Create((byte)0x0F));
            var high = Sse2.And(Sse2.ShiftRightLogical(raw.AsUInt16(), 4).AsByte(), Vector128.Create((byte)0x0F));
            Avx.Store(y, Avx.Multiply(Avx.ConvertToVector256Single(Avx2.Subtract(Avx2.ConvertToVector256Int32(low), eight)), scale));
            Avx.Store(y + 8, Avx.Multiply(Avx.ConvertToVector256Single(Avx2.Subtract(Avx2.ConvertToVector256Int32(Sse2.ShiftRightLogical128BitLane(low, 8)), eight)), scale));
            Avx.Store(y + 16, Avx.Multiply(Avx.ConvertToVector256Single(Avx2.Subtract(Avx2.ConvertToVector256Int32(high), eight)), scale));
            Avx.Store(y + 24, Avx.Multiply(Avx.ConvertToVector256Single(Avx2.Subtract(Avx2.ConvertToVector256Int32(Sse2.ShiftRightLogical128BitLane(high, 8)), eight)), scale));
            return;
        }

        for (var j = 0; j < half; j++)
        {
            y[j] = ((q[j] & 0x0F) - 8) * d;
            y[half + j] = ((q[j] >> 4) - 8) * d;
        }
    }

    private static int CheckSizes(QuantizationType type, int values, int bytes)
    {
        if (values % QuantizationTypes.BlockSize != 0)
        {
            throw new ArgumentException($"{values} values are not a whole number of {QuantizationTypes.BlockSize}-value blocks");
        }

        var blocks = values / QuantizationTypes.BlockSize;
        if (bytes != (long)blocks * QuantizationTypes.BlockBytes(type))
        {
            throw new ArgumentException($"{blocks} {QuantizationTypes.NameOf(type)} blocks take {(long)blocks * QuantizationTypes.BlockBytes(type)} bytes, not {bytes}");
        }

        return blocks;
    }
}
