using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TokenSkip.Models.Quantization;

/// <summary>
/// Converts float32 rows to <see cref="QuantizationType"/> blocks and back, with the arithmetic of ggml's reference
/// quantizers (<c>quantize_row_q8_0_ref</c>, <c>quantize_row_q4_0_ref</c>), so a row quantized here has the bytes
/// llama.cpp's quantizer writes for it. Q5_0, Q4_K and Q6_K (from GGUF files) are dequantized as ggml's
/// <c>dequantize_row_*</c> do, and not written.
/// </summary>
public static unsafe partial class BlockQuantizer
{
    /// <summary>Quantizes <paramref name="values"/> (a multiple of 32) into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The lengths disagree.</exception>
    /// <exception cref="NotSupportedException"><paramref name="type"/> is one TokenSkip only reads (Q5_0, Q4_K, Q6_K).</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Quantize(QuantizationType type, ReadOnlySpan<float> values, Span<byte> destination)
    {
        if (!QuantizationTypes.IsQuantizable(type))
        {
            throw new NotSupportedException($"TokenSkip does not quantize to {QuantizationTypes.NameOf(type)} (only {QuantizationTypes.Names})");
        }

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

    /// <summary>Dequantizes <paramref name="source"/> into <paramref name="destination"/> (a whole number of blocks).</summary>
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

    /// <summary>The reference loops' result for <paramref name="source"/> (tests compare the SIMD dequantizers with it).</summary>
    internal static void DequantizeScalar(QuantizationType type, ReadOnlySpan<byte> source, Span<float> destination)
    {
        var blocks = CheckSizes(type, destination.Length, source.Length);
        fixed (byte* s = source)
        fixed (float* d = destination)
        {
            DequantizeScalar(type, s, d, blocks);
        }
    }

    /// <summary>Dequantizes <paramref name="blocks"/> blocks at <paramref name="source"/> into <paramref name="destination"/>.</summary>
    // Fully optimised from the first call (tier-0 code of these loops is an order of magnitude slower, and prefill
    // dequantizes every weight of the model once per call).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Dequantize(QuantizationType type, byte* source, float* destination, int blocks)
    {
        if (Avx2.IsSupported && type is QuantizationType.Q5_0 or QuantizationType.Q4_K or QuantizationType.Q6_K)
        {
            DequantizeAvx2(type, source, destination, blocks);
            return;
        }

        DequantizeScalar(type, source, destination, blocks);
    }

    /// <summary>The reference loops (AVX2 only for Q8_0 and Q4_0): every CPU without AVX2, and the tests' reference for the AVX2 dequantizers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void DequantizeScalar(QuantizationType type, byte* source, float* destination, int blocks)
    {
        var table = HalfTable.Values;
        var blockBytes = QuantizationTypes.BlockBytes(type);
        var blockElements = QuantizationTypes.BlockElements(type);
        for (var b = 0; b < blocks; b++, source += blockBytes, destination += blockElements)
        {
            switch (type)
            {
                case QuantizationType.Q8_0:
                    DequantizeQ8_0(source + 2, table[*(ushort*)source], destination);
                    break;
                case QuantizationType.Q4_0:
                    DequantizeQ4_0(source + 2, table[*(ushort*)source], destination);
                    break;
                case QuantizationType.Q5_0:
                    DequantizeQ5_0(source, table, destination);
                    break;
                case QuantizationType.Q4_K:
                    DequantizeQ4_K(source, table, destination);
                    break;
                default:
                    DequantizeQ6_K(source, table, destination);
                    break;
            }
        }
    }

    // block_q5_0: d (f16), qh (32 fifth bits), qs[16] (weight j low nibble, weight j+16 high nibble).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DequantizeQ5_0(byte* block, float[] table, float* y)
    {
        var d = table[*(ushort*)block];
        var qh = *(uint*)(block + 2);
        var qs = block + 6;
        for (var j = 0; j < 16; j++)
        {
            var high0 = (int)((qh >> j) << 4) & 0x10;
            var high1 = (int)(qh >> (j + 12)) & 0x10;
            y[j] = (((qs[j] & 0x0F) | high0) - 16) * d;
            y[j + 16] = (((qs[j] >> 4) | high1) - 16) * d;
        }
    }

    // block_q4_K: d, dmin (f16), scales[12] (6-bit scale and min for each of 8 sub-blocks), qs[128].
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DequantizeQ4_K(byte* block, float[] table, float* y)
    {
        var d = table[*(ushort*)block];
        var dmin = table[*(ushort*)(block + 2)];
        var scales = block + 4;
        var q = block + 16;
        for (int j = 0, sub = 0; j < QuantizationTypes.SuperBlockSize; j += 64, sub += 2, q += 32)
        {
            ScaleAndMin(sub, scales, out var scale1, out var min1);
            ScaleAndMin(sub + 1, scales, out var scale2, out var min2);
            float d1 = d * scale1, m1 = dmin * min1, d2 = d * scale2, m2 = dmin * min2;
            for (var l = 0; l < 32; l++)
            {
                y[j + l] = d1 * (q[l] & 0x0F) - m1;
                y[j + 32 + l] = d2 * (q[l] >> 4) - m2;
            }
        }
    }

    // get_scale_min_k4: sub-blocks 0–3 keep 6 bits in bytes 0–7; 4–7 split theirs over bytes 8–11 and the top bits of 0–7.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ScaleAndMin(int j, byte* q, out int scale, out int min)
    {
        if (j < 4)
        {
            scale = q[j] & 63;
            min = q[j + 4] & 63;
        }
        else
        {
            scale = (q[j + 4] & 0x0F) | ((q[j - 4] >> 6) << 4);
            min = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
        }
    }

    // block_q6_K: ql[128] (low nibbles), qh[64] (2 high bits each), scales[16] (int8, one per 16 weights), d (f16).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DequantizeQ6_K(byte* block, float[] table, float* y)
    {
        var ql = block;
        var qh = block + 128;
        var sc = (sbyte*)(block + 192);
        var d = table[*(ushort*)(block + 208)];
        for (var n = 0; n < QuantizationTypes.SuperBlockSize; n += 128, y += 128, ql += 64, qh += 32, sc += 8)
        {
            for (var l = 0; l < 32; l++)
            {
                var s = l / 16;
                var q1 = ((ql[l] & 0x0F) | (((qh[l] >> 0) & 3) << 4)) - 32;
                var q2 = ((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4)) - 32;
                var q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                var q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[l] = d * sc[s] * q1;
                y[l + 32] = d * sc[s + 2] * q2;
                y[l + 64] = d * sc[s + 4] * q3;
                y[l + 96] = d * sc[s + 6] * q4;
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
        var elements = QuantizationTypes.BlockElements(type);
        if (values % elements != 0)
        {
            throw new ArgumentException($"{values} values are not a whole number of {elements}-value blocks");
        }

        var blocks = values / elements;
        if (bytes != (long)blocks * QuantizationTypes.BlockBytes(type))
        {
            throw new ArgumentException($"{blocks} {QuantizationTypes.NameOf(type)} blocks take {(long)blocks * QuantizationTypes.BlockBytes(type)} bytes, not {bytes}");
        }

        return blocks;
    }
}
