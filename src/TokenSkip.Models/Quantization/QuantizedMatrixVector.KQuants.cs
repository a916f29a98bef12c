using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TokenSkip.Models.Quantization;

/// <summary>
/// Q4_K on the AVX2 paths without dequantizing: a Q4_K value is d·scₖ·q − dmin·mₖ over 32-value sub-blocks, which line up
/// with the activation's 32-value blocks (x ≈ sₓ·qₓ), so a row's sum is Σₖ d·scₖ·sₓ·(q·qₓ) − dmin·Σₖ mₖ·(sₓ·Σqₓ). The
/// first term is the usual 8-bit dot product per block; the second uses the per-block offsets the Q4_0 path already keeps.
/// </summary>
public static unsafe partial class QuantizedMatrixVector
{
    private const int Q4KBlockBytes = 144;

    /// <summary>Whether <paramref name="type"/> on <paramref name="path"/> runs on the 8-bit integer kernels.</summary>
    private static bool UsesIntegerKernel(QuantizationType type, QuantizedKernelPath path) =>
        HasIntegerKernel(type) || (type == QuantizationType.Q4_K && path is QuantizedKernelPath.Avx2 or QuantizedKernelPath.Avx2Vnni);

    /// <summary>One Q4_K row · one quantized activation row.</summary>
    /// <param name="row">The row's super-blocks (256 values, 144 bytes each: d, dmin, 12 bytes of 6-bit scales and mins, 128 bytes of nibbles).</param>
    /// <param name="x">The activation's codes.</param>
    /// <param name="scales">The activation's per-block scales sₓ.</param>
    /// <param name="offsets">The activation's per-block sₓ·Σqₓ.</param>
    /// <param name="blocks">32-value blocks in the row.</param>
    /// <param name="half">float16 → float32 table.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Q4KRow<TDot>(byte* row, sbyte* x, float* scales, float* offsets, int blocks, float* half)
        where TDot : struct, IByteDot
    {
        Vector256<float> a0 = default, a1 = default;
        var mins = 0f;
        var mask = Vector256.Create((byte)0x0F);
        for (var b = 0; b < blocks; b += 8, row += Q4KBlockBytes)
        {
            var d = half[*(ushort*)row];
            var dmin = half[*(ushort*)(row + 2)];
            var packed = row + 4;
            var blockMins = 0f;

            // Each 32 bytes of nibbles hold two sub-blocks: the low nibbles are values 0–31, the high ones 32–63.
            for (var k = 0; k < 8; k += 2)
            {
                BlockQuantizer.ScaleAndMin(k, packed, out var scale0, out var min0);
                BlockQuantizer.ScaleAndMin(k + 1, packed, out var scale1, out var min1);
                var raw = Avx.LoadVector256(row + 16 + 16 * k);
                var low = Avx2.And(raw, mask);
                var high = Avx2.And(Avx2.ShiftRightLogical(raw.AsUInt16(), 4).AsByte(), mask);
                var p0 = TDot.Dot(Vector256<int>.Zero, low, Avx.LoadVector256(x + (b + k) * Block));
                var p1 = TDot.Dot(Vector256<int>.Zero, high, Avx.LoadVector256(x + (b + k + 1) * Block));
                a0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(p0), Vector256.Create(d * scale0 * scales[b + k]), a0);
                a1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(p1), Vector256.Create(d * scale1 * scales[b + k + 1]), a1);
                blockMins += min0 * offsets[b + k] + min1 * offsets[b + k + 1];
            }

            mins += dmin * blockMins;
        }

        return Vector256.Sum(a0 + a1) - mins;
    }
}
