using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TokenSkip.Models.Quantization;

/// <summary>
/// Q4_K and Q6_K on the AVX2 paths without dequantizing. Q4_K: a Q4_K value is d·scₖ·q − dmin·mₖ over 32-value sub-blocks, which line up
/// with the activation's 32-value blocks (x ≈ sₓ·qₓ), so a row's sum is Σₖ d·scₖ·sₓ·(q·qₓ) − dmin·Σₖ mₖ·(sₓ·Σqₓ). The
/// first term is the usual 8-bit dot product per block; the second uses the per-block offsets the Q4_0 path already keeps.
/// Q6_K: d·scⱼ·(q − 32) with a scale per 16 values, so each activation block meets one 32-value group of codes whose
/// 8 dot-product lanes take two scales (lanes 0–3 and 4–7); the −32 enters as the activation's lane corrections, as Q4_0's −8.
/// </summary>
public static unsafe partial class QuantizedMatrixVector
{
    private const int Q4KBlockBytes = 144;
    private const int Q6KBlockBytes = 210;

    /// <summary>Whether <paramref name="type"/> on <paramref name="path"/> runs on the 8-bit integer kernels.</summary>
    private static bool UsesIntegerKernel(QuantizationType type, QuantizedKernelPath path) =>
        HasIntegerKernel(type) || (type is QuantizationType.Q4_K or QuantizationType.Q6_K && path is QuantizedKernelPath.Avx2 or QuantizedKernelPath.Avx2Vnni);

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
        Vector256<float> a0 = default, a1 = default, minSums = default;
        var mask = Vector256.Create((byte)0x0F);
        for (var b = 0; b < blocks; b += 8, row += Q4KBlockBytes)
        {
            // The eight sub-blocks' factors d·scₖ·sₓ and dmin·mₖ·(sₓ·Σqₓ) as two vectors; lane k is picked per sub-block.
            var (subScales, subMins) = Q4KScalesAndMins(row + 4);
            var factors = Vector256.Create(half[*(ushort*)row]) * subScales * Avx.LoadVector256(scales + b);
            minSums = Fma.MultiplyAdd(Vector256.Create(half[*(ushort*)(row + 2)]) * subMins, Avx.LoadVector256(offsets + b), minSums);

            // Each 32 bytes of nibbles hold two sub-blocks: the low nibbles are values 0–31, the high ones 32–63.
            for (var k = 0; k < 8; k += 2)
            {
                var raw = Avx.LoadVector256(row + 16 + 16 * k);
                var low = Avx2.And(raw, mask);
                var high = Avx2.And(Avx2.ShiftRightLogical(raw.AsUInt16(), 4).AsByte(), mask);
                var p0 = TDot.Dot(Vector256<int>.Zero, low, Avx.LoadVector256(x + (b + k) * Block));
                var p1 = TDot.Dot(Vector256<int>.Zero, high, Avx.LoadVector256(x + (b + k + 1) * Block));
                a0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(p0), Avx2.PermuteVar8x32(factors, Vector256.Create(k)), a0);
                a1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(p1), Avx2.PermuteVar8x32(factors, Vector256.Create(k + 1)), a1);
            }
        }

        return Vector256.Sum(a0 + a1) - Vector256.Sum(minSums);
    }

    /// <summary>
    /// The eight 6-bit scales and mins of a Q4_K block's 12 packed bytes as float32 vectors, without branches: ggml's
    /// kmask rearrangement (<c>ggml_vec_dot_q4_K_q8_K</c>) turns the bytes into 8 scale bytes then 8 min bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Scales, Vector256<float> Mins) Q4KScalesAndMins(byte* packed)
    {
        const uint kmask1 = 0x3f3f3f3f, kmask2 = 0x0f0f0f0f, kmask3 = 0x03030303;
        uint u0 = *(uint*)packed, u1 = *(uint*)(packed + 4), u2 = *(uint*)(packed + 8);
        var scales = ((ulong)((u2 & kmask2) | (((u0 >> 6) & kmask3) << 4)) << 32) | (u0 & kmask1);
        var mins = ((ulong)(((u2 >> 4) & kmask2) | (((u1 >> 6) & kmask3) << 4)) << 32) | (u1 & kmask1);
        return (Widen(scales), Widen(mins));
    }

    /// <summary>Eight unsigned bytes as eight float32 values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Widen(ulong bytes) =>
        Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(Vector128.CreateScalar(bytes).AsByte()));

    /// <summary>One Q6_K row · one quantized activation row (parameters as <see cref="Q4KRow{TDot}"/>, with the −32 corrections).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Q6KRow<TDot>(byte* row, sbyte* x, float* scales, int* corrections, int blocks, float* half)
        where TDot : struct, IByteDot
    {
        Vector256<float> a0 = default, a1 = default;
        var firstPairs = Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3);
        var secondPairs = Vector256.Create(4, 4, 5, 5, 6, 6, 7, 7);
        for (var b = 0; b < blocks; b += 8, row += Q6KBlockBytes)
        {
            // d·scⱼ·sₓ for the 16 scales, as two vectors: scale j covers 16 values of activation block b + j / 2.
            var blockScales = Vector256.Create(half[*(ushort*)(row + 208)]) * Avx.LoadVector256(scales + b);
            var factors0 = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32((sbyte*)(row + 192))) * Avx2.PermuteVar8x32(blockScales, firstPairs);
            var factors1 = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32((sbyte*)(row + 200))) * Avx2.PermuteVar8x32(blockScales, secondPairs);

            BlockQuantizer.UnpackQ6_K(row, row + 128, out var q1, out var q2, out var q3, out var q4);
            a0 = Q6Group<TDot>(q1, x, corrections, b, factors0, 0, a0);
            a1 = Q6Group<TDot>(q2, x, corrections, b + 1, factors0, 1, a1);
            a0 = Q6Group<TDot>(q3, x, corrections, b + 2, factors0, 2, a0);
            a1 = Q6Group<TDot>(q4, x, corrections, b + 3, factors0, 3, a1);
            BlockQuantizer.UnpackQ6_K(row + 64, row + 160, out q1, out q2, out q3, out q4);
            a0 = Q6Group<TDot>(q1, x, corrections, b + 4, factors1, 0, a0);
            a1 = Q6Group<TDot>(q2, x, corrections, b + 5, factors1, 1, a1);
            a0 = Q6Group<TDot>(q3, x, corrections, b + 6, factors1, 2, a0);
            a1 = Q6Group<TDot>(q4, x, corrections, b + 7, factors1, 3, a1);
        }

        return Vector256.Sum(a0 + a1);
    }

    // acc + the dot product of 32 codes with activation block b; lanes 0–3 take factor 2g, lanes 4–7 factor 2g + 1.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Q6Group<TDot>(Vector256<byte> codes, sbyte* x, int* corrections, int b, Vector256<float> factors, int g,
        Vector256<float> acc)
        where TDot : struct, IByteDot
    {
        var p = TDot.Dot(Avx.LoadVector256(corrections + b * 8), codes, Avx.LoadVector256(x + b * Block));
        var laneFactors = Avx2.PermuteVar8x32(factors, Vector256.Create(Vector128.Create(2 * g), Vector128.Create(2 * g + 1)));
        return Fma.MultiplyAdd(Avx.ConvertToVector256Single(p), laneFactors, acc);
    }
}
