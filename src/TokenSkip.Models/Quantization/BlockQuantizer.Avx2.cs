using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TokenSkip.Models.Quantization;

/// <summary>
/// AVX2 dequantizers of the types read from GGUF files (Q5_0, Q4_K, Q6_K): codes are unpacked 32 at a time with byte
/// shifts and masks, then widened to float32 8 at a time. Each value is computed with the reference loops' exact float
/// operations (a multiply, and for Q4_K a separate subtract, never a fused multiply-add), so both give the same bits.
/// </summary>
public static unsafe partial class BlockQuantizer
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DequantizeAvx2(QuantizationType type, byte* source, float* destination, int blocks)
    {
        var table = HalfTable.Values;
        var blockBytes = QuantizationTypes.BlockBytes(type);
        var blockElements = QuantizationTypes.BlockElements(type);
        for (var b = 0; b < blocks; b++, source += blockBytes, destination += blockElements)
        {
            switch (type)
            {
                case QuantizationType.Q5_0:
                    var codes = Avx2.Subtract(QuantizedMatrixVector.Q5Codes(source), Vector256.Create((byte)16)).AsSByte();
                    StoreScaled(codes.GetLower(), table[*(ushort*)source], destination);
                    StoreScaled(codes.GetUpper(), table[*(ushort*)source], destination + 16);
                    break;
                case QuantizationType.Q4_K:
                    DequantizeQ4_KAvx2(source, table, destination);
                    break;
                default:
                    DequantizeQ6_KAvx2(source, table, destination);
                    break;
            }
        }
    }

    // Q4_K: per 64 values, 32 bytes whose low nibbles are values 0–31 (scale d1, min m1) and high nibbles 32–63 (d2, m2).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DequantizeQ4_KAvx2(byte* block, float[] table, float* y)
    {
        var d = table[*(ushort*)block];
        var dmin = table[*(ushort*)(block + 2)];
        var scales = block + 4;
        var q = block + 16;
        var mask = Vector256.Create((byte)0x0F);
        for (int j = 0, sub = 0; j < QuantizationTypes.SuperBlockSize; j += 64, sub += 2, q += 32)
        {
            ScaleAndMin(sub, scales, out var scale1, out var min1);
            ScaleAndMin(sub + 1, scales, out var scale2, out var min2);
            var raw = Avx.LoadVector256(q);
            var low = Avx2.And(raw, mask);
            var high = Avx2.And(Avx2.ShiftRightLogical(raw.AsUInt16(), 4).AsByte(), mask);
            StoreAffine(low, d * scale1, dmin * min1, y + j);
            StoreAffine(high, d * scale2, dmin * min2, y + j + 32);
        }
    }

    // Q6_K: per 128 values, ql[64] and qh[32]; value l + 32k (k = 0..3) takes a nibble of ql and bit pair k of qh[l],
    // minus 32, times d · scales[l / 16 + 2k].
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DequantizeQ6_KAvx2(byte* block, float[] table, float* y)
    {
        var ql = block;
        var qh = block + 128;
        var sc = (sbyte*)(block + 192);
        var d = table[*(ushort*)(block + 208)];
        var offset = Vector256.Create((byte)32);
        for (var n = 0; n < QuantizationTypes.SuperBlockSize; n += 128, y += 128, ql += 64, qh += 32, sc += 8)
        {
            UnpackQ6_K(ql, qh, out var q1, out var q2, out var q3, out var q4);
            StoreQ6Group(Avx2.Subtract(q1, offset).AsSByte(), d, sc, y);
            StoreQ6Group(Avx2.Subtract(q2, offset).AsSByte(), d, sc + 2, y + 32);
            StoreQ6Group(Avx2.Subtract(q3, offset).AsSByte(), d, sc + 4, y + 64);
            StoreQ6Group(Avx2.Subtract(q4, offset).AsSByte(), d, sc + 6, y + 96);
        }
    }

    /// <summary>
    /// One 128-value half of a Q6_K block as four groups of 32 unsigned codes (q + 32, 0–63): group k is value l + 32k,
    /// a nibble of ql (low nibbles of ql[0..31] for k = 0, of ql[32..63] for 1, high nibbles for 2 and 3) with bit
    /// pair k of qh[l] above it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void UnpackQ6_K(byte* ql, byte* qh, out Vector256<byte> q1, out Vector256<byte> q2, out Vector256<byte> q3, out Vector256<byte> q4)
    {
        var nibble = Vector256.Create((byte)0x0F);
        var pair = Vector256.Create((byte)0x30);
        var low0 = Avx.LoadVector256(ql);
        var low1 = Avx.LoadVector256(ql + 32);
        var high = Avx.LoadVector256(qh).AsUInt16();

        // Bit pair k of qh moved to bits 4–5 of each byte: k = 0 shifts left 4, 1 left 2, 2 stays, 3 right 2 (16-bit
        // shifts, so bits from the neighbouring byte that move in are masked off).
        q1 = Avx2.Or(Avx2.And(low0, nibble), Avx2.And(Avx2.ShiftLeftLogical(high, 4).AsByte(), pair));
        q2 = Avx2.Or(Avx2.And(low1, nibble), Avx2.And(Avx2.ShiftLeftLogical(high, 2).AsByte(), pair));
        q3 = Avx2.Or(Avx2.And(Avx2.ShiftRightLogical(low0.AsUInt16(), 4).AsByte(), nibble), Avx2.And(high.AsByte(), pair));
        q4 = Avx2.Or(Avx2.And(Avx2.ShiftRightLogical(low1.AsUInt16(), 4).AsByte(), nibble), Avx2.And(Avx2.ShiftRightLogical(high, 2).AsByte(), pair));
    }

    // 32 signed codes: the first 16 times d · sc[0], the next 16 times d · sc[1].
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreQ6Group(Vector256<sbyte> codes, float d, sbyte* sc, float* y)
    {
        StoreScaled(codes.GetLower(), d * sc[0], y);
        StoreScaled(codes.GetUpper(), d * sc[1], y + 16);
    }

    // y[0..15] = codes · scale.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreScaled(Vector128<sbyte> codes, float scale, float* y)
    {
        var factor = Vector256.Create(scale);
        Avx.Store(y, Avx.Multiply(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(codes)), factor));
        Avx.Store(y + 8, Avx.Multiply(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(Sse2.ShiftRightLogical128BitLane(codes, 8))), factor));
    }

    // y[0..31] = codes · scale − min (two roundings, as the reference loop).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreAffine(Vector256<byte> codes, float scale, float min, float* y)
    {
        var factor = Vector256.Create(scale);
        var shift = Vector256.Create(min);
        for (var i = 0; i < 4; i++)
        {
            var bytes = i < 2 ? codes.GetLower() : codes.GetUpper();
            var part = (i & 1) == 0 ? bytes : Sse2.ShiftRightLogical128BitLane(bytes, 8);
            var values = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(part));
            Avx.Store(y + 8 * i, Avx.Subtract(Avx.Multiply(values, factor), shift));
        }
    }
}
