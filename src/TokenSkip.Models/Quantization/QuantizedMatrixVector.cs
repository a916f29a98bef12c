using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TokenSkip.Models.Kernels;

namespace TokenSkip.Models.Quantization;

/// <summary>
/// <c>y = x·Wᵀ + b</c> for a few float32 input rows (decoding) with W a <see cref="QuantizedMatrix"/>, as llama.cpp
/// computes it: each input row is first quantized per 32-value block to 8 bits with a float32 scale, then every block of
/// W meets the matching block of x in an 8-bit integer dot product, scaled by both blocks' scales and accumulated in
/// float32. W streams from memory once per call (it is the bound at batch 1); its rows are split over a
/// <see cref="KernelThreadPool"/>. Q5_0 (the fallback in llama.cpp's K-quant files) runs the same way. On the AVX2 paths
/// Q8_0, Q4_0 and Q5_0 take four weight rows per step (QuantizedMatrixVector.RowGroups.cs) and Q4_K and Q6_K run on
/// integer kernels of their own (QuantizedMatrixVector.KQuants.cs); elsewhere Q4_K and Q6_K take a generic path: each row
/// is dequantized to float32 in L1 and multiplied with the float32 input.
/// </summary>
public static unsafe partial class QuantizedMatrixVector
{
    private const int RowsPerChunk = 64;
    private const int Block = QuantizationTypes.BlockSize;

    /// <summary>
    /// The path products take by default: AVX2 (with AVX-VNNI where present) wherever it runs. The AVX-512 path must
    /// assemble each register from two 34- or 18-byte-apart blocks, and .NET offers no 512-bit VNNI for unsigned × signed
    /// bytes; on the 2-core AMD EPYC (Zen 4) VM it streamed 21 GB/s of Q8_0 weights against AVX2's 30 (bench
    /// <c>engine</c>, machine table), so it is kept only as a tested alternative.
    /// </summary>
    public static QuantizedKernelPath BestPath { get; } =
        AvxVnni.IsSupported && Avx2.IsSupported && Fma.IsSupported ? QuantizedKernelPath.Avx2Vnni
        : Avx2.IsSupported && Fma.IsSupported ? QuantizedKernelPath.Avx2
        : Avx512BW.IsSupported && Avx512F.IsSupported ? QuantizedKernelPath.Avx512
        : QuantizedKernelPath.Portable;

    /// <summary>Whether <paramref name="type"/> runs on the 8-bit integer kernels (Q8_0, Q4_0, Q5_0); other types take the generic path.</summary>
    public static bool HasIntegerKernel(QuantizationType type) => type is QuantizationType.Q8_0 or QuantizationType.Q4_0 or QuantizationType.Q5_0;

    /// <summary>Whether this CPU can run <paramref name="path"/>.</summary>
    public static bool IsSupported(QuantizedKernelPath path) => path switch
    {
        QuantizedKernelPath.Avx512 => Avx512BW.IsSupported && Avx512F.IsSupported,
        QuantizedKernelPath.Avx2Vnni => AvxVnni.IsSupported && Avx2.IsSupported && Fma.IsSupported,
        QuantizedKernelPath.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        _ => true,
    };

    /// <summary>Computes <paramref name="output"/> [rows, W.Rows] = <paramref name="input"/> [rows, W.Columns] · Wᵀ + <paramref name="bias"/>.</summary>
    /// <param name="weight">W.</param>
    /// <param name="input">x, a whole number of rows of W.Columns.</param>
    /// <param name="bias">b [W.Rows], or empty.</param>
    /// <param name="output">y.</param>
    /// <param name="pool">Threads to split W's rows over; null runs on the calling thread.</param>
    /// <param name="path">The instruction set; null picks <see cref="BestPath"/>.</param>
    /// <exception cref="ArgumentException">The sizes disagree.</exception>
    /// <exception cref="PlatformNotSupportedException"><paramref name="path"/> does not run on this CPU.</exception>
    public static void Multiply(QuantizedMatrix weight, ReadOnlySpan<float> input, ReadOnlySpan<float> bias, Span<float> output,
        KernelThreadPool? pool = null, QuantizedKernelPath? path = null)
    {
        ArgumentNullException.ThrowIfNull(weight);
        var columns = weight.Columns;
        if (input.Length % columns != 0)
        {
            throw new ArgumentException($"input of {input.Length} values is not a whole number of rows of {columns}", nameof(input));
        }

        var rows = input.Length / columns;
        if (!bias.IsEmpty && bias.Length != weight.Rows)
        {
            throw new ArgumentException($"bias has {bias.Length} values, expected {weight.Rows}", nameof(bias));
        }

        if (output.Length != (long)rows * weight.Rows)
        {
            throw new ArgumentException($"output has {output.Length} values, expected {rows} × {weight.Rows}", nameof(output));
        }

        var chosen = path ?? BestPath;
        if (!IsSupported(chosen))
        {
            throw new PlatformNotSupportedException($"the {chosen} kernel does not run on this CPU");
        }

        if (rows == 0)
        {
            return;
        }

        if (!UsesIntegerKernel(weight.Type, chosen))
        {
            fixed (float* x = input, b = bias, y = output)
            {
                var generic = new DequantizingJob(weight, rows, x, bias.IsEmpty ? null : b, y);
                var count = (weight.Rows + RowsPerChunk - 1) / RowsPerChunk;
                if (pool is null || count == 1)
                {
                    for (var c = 0; c < count; c++)
                    {
                        generic.RunChunk(c);
                    }
                }
                else
                {
                    pool.Run(generic, count);
                }
            }

            return;
        }

        // x quantized per block: codes, scales, and (for the −8 and −16 offsets of Q4_0 and Q5_0) scale · Σ codes.
        var blocks = columns / Block;
        var codes = ArrayPool<sbyte>.Shared.Rent(rows * columns + 64);
        var scales = ArrayPool<float>.Shared.Rent(rows * blocks);
        var offsets = ArrayPool<float>.Shared.Rent(rows * blocks);
        var corrections = ArrayPool<int>.Shared.Rent(rows * blocks * 8);
        try
        {
            if (chosen != QuantizedKernelPath.Portable && Avx2.IsSupported)
            {
                QuantizeActivationsAvx2(input, rows * blocks, codes, scales, offsets);
            }
            else
            {
                QuantizeActivations(input, rows * blocks, codes, scales, offsets);
            }
            if (weight.Type is QuantizationType.Q4_0 or QuantizationType.Q5_0 or QuantizationType.Q6_K)
            {
                Corrections(codes, rows * blocks, weight.Type switch { QuantizationType.Q4_0 => 8, QuantizationType.Q5_0 => 16, _ => 32 }, corrections);
            }

            fixed (sbyte* q = codes)
            fixed (float* s = scales, f = offsets, b = bias, y = output)
            fixed (int* c = corrections)
            {
                var job = new Job(weight, chosen, rows, q, s, f, c, bias.IsEmpty ? null : b, y);
                var chunks = (weight.Rows + RowsPerChunk - 1) / RowsPerChunk;
                if (pool is null || chunks == 1)
                {
                    job.Run(0, weight.Rows);
                }
                else
                {
                    pool.Run(job, chunks);
                }
            }
        }
        finally
        {
            ArrayPool<sbyte>.Shared.Return(codes);
            ArrayPool<float>.Shared.Return(scales);
            ArrayPool<float>.Shared.Return(offsets);
            ArrayPool<int>.Shared.Return(corrections);
        }
    }

    // quantize_row_q8_0's arithmetic, with the scale kept in float32.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void QuantizeActivations(ReadOnlySpan<float> input, int blocks, sbyte[] codes, float[] scales, float[] offsets)
    {
        for (var b = 0; b < blocks; b++)
        {
            var x = input.Slice(b * Block, Block);
            var amax = 0f;
            foreach (var v in x)
            {
                amax = MathF.Max(amax, MathF.Abs(v));
            }

            var d = amax / 127;
            var id = d != 0 ? 1 / d : 0;
            var sum = 0;
            for (var j = 0; j < Block; j++)
            {
                var q = (int)MathF.Round(x[j] * id, MidpointRounding.AwayFromZero);
                codes[b * Block + j] = (sbyte)q;
                sum += q;
            }

            scales[b] = d;
            offsets[b] = d * sum;
        }
    }

    // ggml's AVX2 quantize_row_q8_0: the same scale as the loop above, codes rounded to nearest even (the loop rounds ties
    // away from zero, as ggml's reference does; exact ties are the only difference). Eight times fewer instructions
    // matter for the small matrices (k and v projections), whose product takes a few microseconds.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void QuantizeActivationsAvx2(ReadOnlySpan<float> input, int blocks, sbyte[] codes, float[] scales, float[] offsets)
    {
        var order = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
        fixed (float* values = input)
        fixed (sbyte* q = codes)
        {
            for (var b = 0; b < blocks; b++)
            {
                var x = values + b * Block;
                Vector256<float> v0 = Avx.LoadVector256(x), v1 = Avx.LoadVector256(x + 8), v2 = Avx.LoadVector256(x + 16), v3 = Avx.LoadVector256(x + 24);
                var max = Vector256.Max(Vector256.Max(Vector256.Abs(v0), Vector256.Abs(v1)), Vector256.Max(Vector256.Abs(v2), Vector256.Abs(v3)));
                var max4 = Vector128.Max(max.GetLower(), max.GetUpper());
                max4 = Vector128.Max(max4, Sse.Shuffle(max4, max4, 0b01_00_11_10));
                var amax = MathF.Max(max4.GetElement(0), max4.GetElement(1));

                var d = amax / 127;
                var id = Vector256.Create(d != 0 ? 1 / d : 0);
                var i0 = Avx.ConvertToVector256Int32(Avx.RoundToNearestInteger(v0 * id));
                var i1 = Avx.ConvertToVector256Int32(Avx.RoundToNearestInteger(v1 * id));
                var i2 = Avx.ConvertToVector256Int32(Avx.RoundToNearestInteger(v2 * id));
                var i3 = Avx.ConvertToVector256Int32(Avx.RoundToNearestInteger(v3 * id));

                // The packs interleave the four vectors by 128-bit lane; one permute restores element order.
                var packed = Avx2.PackSignedSaturate(Avx2.PackSignedSaturate(i0, i1), Avx2.PackSignedSaturate(i2, i3));
                Avx.Store(q + b * Block, Avx2.PermuteVar8x32(packed.AsInt32(), order).AsSByte());

                scales[b] = d;
                offsets[b] = d * Vector256.Sum((i0 + i1) + (i2 + i3));
            }
        }
    }

    // Q4_0 and Q5_0 codes are q + k (k = 8, 16) as unsigned bytes: the SIMD paths start each block's integer dot product
    // from −k · Σ x over each 32-bit lane's four bytes (the lanes vpdpbusd and vpmaddubsw + vpmaddwd sum), so the offset
    // costs no extra pass.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Corrections(sbyte[] codes, int blocks, int k, int[] corrections)
    {
        for (var lane = 0; lane < blocks * 8; lane++)
        {
            corrections[lane] = -k * (codes[4 * lane] + codes[4 * lane + 1] + codes[4 * lane + 2] + codes[4 * lane + 3]);
        }
    }

    private sealed class Job(QuantizedMatrix weight, QuantizedKernelPath path, int rows, sbyte* codes, float* scales, float* offsets,
        int* corrections, float* bias, float* output) : IChunkedWork
    {
        private readonly byte* _data = weight.Data;
        private readonly long _rowBytes = weight.RowBytes;
        private readonly int _columns = weight.Columns;
        private readonly int _blocks = weight.Columns / Block;
        private readonly int _outputs = weight.Rows;
        private readonly QuantizationType _type = weight.Type;

        public void RunChunk(int chunk)
        {
            var start = chunk * RowsPerChunk;
            Run(start, Math.Min(_outputs, start + RowsPerChunk));
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int start, int end)
        {
            var table = HalfTable.Values;
            fixed (float* half = table)
            {
                var o = start;
                if (path is QuantizedKernelPath.Avx2Vnni or QuantizedKernelPath.Avx2 && _type is not (QuantizationType.Q4_K or QuantizationType.Q6_K))
                {
                    o = RunGroups(start, end, half);
                }

                for (; o < end; o++)
                {
                    var row = _data + o * _rowBytes;
                    for (var r = 0; r < rows; r++)
                    {
                        var x = codes + (long)r * _columns;
                        var s = scales + (long)r * _blocks;
                        var vnni = path == QuantizedKernelPath.Avx2Vnni;
                        var offset = offsets + (long)r * _blocks;
                        var c = corrections + (long)r * _blocks * 8;
                        var sum = (path, _type) switch
                        {
                            (QuantizedKernelPath.Avx2Vnni, QuantizationType.Q4_K) => Q4KRow<VnniDot>(row, x, s, offset, _blocks, half),
                            (_, QuantizationType.Q4_K) => Q4KRow<Avx2Dot>(row, x, s, offset, _blocks, half),
                            (QuantizedKernelPath.Avx2Vnni, QuantizationType.Q6_K) => Q6KRow<VnniDot>(row, x, s, c, _blocks, half),
                            (_, QuantizationType.Q6_K) => Q6KRow<Avx2Dot>(row, x, s, c, _blocks, half),
                            (QuantizedKernelPath.Avx512, QuantizationType.Q8_0) => Q8Avx512(row, x, s, _blocks, half),
                            (QuantizedKernelPath.Avx512, QuantizationType.Q4_0) => Q4Avx512(row, x, s, c, _blocks, half),
                            (QuantizedKernelPath.Avx512, _) => Q5Avx512(row, x, s, c, _blocks, half),
                            (QuantizedKernelPath.Avx2Vnni or QuantizedKernelPath.Avx2, QuantizationType.Q8_0) => Q8Avx2(row, x, s, _blocks, half, vnni),
                            (QuantizedKernelPath.Avx2Vnni or QuantizedKernelPath.Avx2, QuantizationType.Q4_0) => Q4Avx2(row, x, s, c, _blocks, half, vnni),
                            (QuantizedKernelPath.Avx2Vnni or QuantizedKernelPath.Avx2, _) => Q5Avx2(row, x, s, c, _blocks, half, vnni),
                            (_, QuantizationType.Q8_0) => Q8Portable(row, x, s, _blocks, half),
                            (_, QuantizationType.Q4_0) => Q4Portable(row, x, s, _blocks, half) - Offset(row, offset, half, 18, 8),
                            _ => Q5Portable(row, x, s, _blocks, half) - Offset(row, offset, half, 22, 16),
                        };
                        output[(long)r * _outputs + o] = bias is null ? sum : sum + bias[o];
                    }
                }
            }
        }

        // Whole groups of four rows through the grouped AVX2 kernels; returns the first row left for the one-row kernels.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int RunGroups(int start, int end, float* half)
        {
            var sums = stackalloc float[RowGroup];
            var vnni = path == QuantizedKernelPath.Avx2Vnni;
            var o = start;
            for (; o + RowGroup <= end; o += RowGroup)
            {
                for (var r = 0; r < rows; r++)
                {
                    Rows4Avx2(_type, vnni, _data + o * _rowBytes, _rowBytes, codes + (long)r * _columns, scales + (long)r * _blocks,
                        corrections + (long)r * _blocks * 8, _blocks, half, sums);
                    var y = output + (long)r * _outputs + o;
                    for (var i = 0; i < RowGroup; i++)
                    {
                        y[i] = bias is null ? sums[i] : sums[i] + bias[o + i];
                    }
                }
            }

            return o;
        }

        // Σ_b d_w · k · d_x · Σ q_x: Q4_0 and Q5_0 store q + 8 and q + 16 as unsigned codes, and this removes the k (portable path).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private float Offset(byte* row, float* offset, float* half, int blockBytes, int k)
        {
            var sum = 0f;
            for (var b = 0; b < _blocks; b++)
            {
                sum += half[*(ushort*)(row + b * blockBytes)] * offset[b];
            }

            return k * sum;
        }
    }

    private sealed class DequantizingJob(QuantizedMatrix weight, int rows, float* input, float* bias, float* output) : IChunkedWork
    {
        [ThreadStatic]
        private static float[]? _row;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void RunChunk(int chunk)
        {
            var columns = weight.Columns;
            var row = _row is { } buffer && buffer.Length >= columns ? buffer : _row = new float[columns];
            var start = chunk * RowsPerChunk;
            var end = Math.Min(weight.Rows, start + RowsPerChunk);
            fixed (float* w = row)
            {
                for (var o = start; o < end; o++)
                {
                    weight.DequantizeRows(o, 1, w);
                    for (var r = 0; r < rows; r++)
                    {
                        var sum = System.Numerics.Tensors.TensorPrimitives.Dot(new ReadOnlySpan<float>(w, columns), new ReadOnlySpan<float>(input + (long)r * columns, columns));
                        output[(long)r * weight.Rows + o] = bias is null ? sum : sum + bias[o];
                    }
                }
            }
        }
    }

    // Signed × signed 8-bit through the unsigned × signed instructions: |w| · (x with w's sign).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> DotSigned(Vector256<sbyte> w, Vector256<sbyte> x, bool vnni) =>
        DotUnsigned(Avx2.Abs(w), Avx2.Sign(x, w), vnni, Vector256<int>.Zero);

    // start + the dot product of each 32-bit lane's four byte pairs.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> DotUnsigned(Vector256<byte> w, Vector256<sbyte> x, bool vnni, Vector256<int> start) =>
        vnni
            ? AvxVnni.MultiplyWideningAndAdd(start, w, x)
            : Avx2.Add(Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(w, x), Vector256<short>.One), start);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Q8Avx2(byte* row, sbyte* x, float* scales, int blocks, float* half, bool vnni)
    {
        Vector256<float> a0 = default, a1 = default;
        var b = 0;
        for (; b + 2 <= blocks; b += 2)
        {
            var block = row + b * 34;
            var p0 = DotSigned(Avx.LoadVector256((sbyte*)block + 2), Avx.LoadVector256(x + b * Block), vnni);
            var p1 = DotSigned(Avx.LoadVector256((sbyte*)block + 36), Avx.LoadVector256(x + (b + 1) * Block), vnni);
            a0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(p0), Vector256.Create(half[*(ushort*)block] * scales[b]), a0);
            a1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(p1), Vector256.Create(half[*(ushort*)(block + 34)] * scales[b + 1]), a1);
        }

        for (; b < blocks; b++)
        {
            var block = row + b * 34;
            var p = DotSigned(Avx.LoadVector256((sbyte*)block + 2), Avx.LoadVector256(x + b * Block), vnni);
            a0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(p), Vector256.Create(half[*(ushort*)block] * scales[b]), a0);
        }

        return Vector256.Sum(a0 + a1);
    }

    // The 16 bytes of nibbles at codes as 32 bytes, low nibbles first: both halves of the register get the same 16
    // bytes (one broadcast load), the upper half's 32-bit lanes shift right by 4 so every byte holds its high nibble in
    // its low bits, and one mask clears the rest. Three instructions where two half-register paths took five.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<byte> Nibbles(byte* codes)
    {
        var raw = Avx2.BroadcastVector128ToVector256(codes).AsUInt32();
        var shifted = Avx2.ShiftRightLogicalVariable(raw, Vector256.Create(0u, 0, 0, 0, 4, 4, 4, 4));
        return Avx2.And(shifted.AsByte(), Vector256.Create((byte)0x0F));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Q4Avx2(byte* row, sbyte* x, float* scales, int* corrections, int blocks, float* half, bool vnni)
    {
        Vector256<float> a0 = default, a1 = default;
        var b = 0;
        for (; b + 2 <= blocks; b += 2)
        {
            var block = row + b * 18;
            var p0 = DotUnsigned(Nibbles(block + 2), Avx.LoadVector256(x + b * Block), vnni, Avx.LoadVector256(corrections + b * 8));
            var p1 = DotUnsigned(Nibbles(block + 20), Avx.LoadVector256(x + (b + 1) * Block), vnni, Avx.LoadVector256(corrections + (b + 1) * 8));
            a0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(p0), Vector256.Create(half[*(ushort*)block] * scales[b]), a0);
            a1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(p1), Vector256.Create(half[*(ushort*)(block + 18)] * scales[b + 1]), a1);
        }

        for (; b < blocks; b++)
        {
            var block = row + b * 18;
            var p = DotUnsigned(Nibbles(block + 2), Avx.LoadVector256(x + b * Block), vnni, Avx.LoadVector256(corrections + b * 8));
            a0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(p), Vector256.Create(half[*(ushort*)block] * scales[b]), a0);
        }

        return Vector256.Sum(a0 + a1);
    }

    // Two blocks per 512-bit register: the weight halves are loaded separately (blocks are 34 or 18 bytes apart), the
    // activation blocks are contiguous.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Dot512(Vector512<byte> w, Vector512<sbyte> x) =>
        Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(w, x), Vector512<short>.One);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Scales512(float first, float second) =>
        Vector512.Create(Vector256.Create(first), Vector256.Create(second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Q8Avx512(byte* row, sbyte* x, float* scales, int blocks, float* half)
    {
        var acc = Vector512<float>.Zero;
        var b = 0;
        for (; b + 2 <= blocks; b += 2)
        {
            var block = row + b * 34;
            var w = Vector512.Create(Avx.LoadVector256((sbyte*)block + 2), Avx.LoadVector256((sbyte*)block + 36));
            var xv = Vector512.Load(x + b * Block);
            var signed = Vector512.ConditionalSelect(Vector512.LessThan(w, Vector512<sbyte>.Zero), Vector512<sbyte>.Zero - xv, xv);
            var p = Dot512(Avx512BW.Abs(w), signed);
            acc = Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(p),
                Scales512(half[*(ushort*)block] * scales[b], half[*(ushort*)(block + 34)] * scales[b + 1]), acc);
        }

        var sum = Vector512.Sum(acc);
        return b < blocks ? sum + Q8Avx2(row + b * 34, x + b * Block, scales + b, blocks - b, half, vnni: false) : sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Q4Avx512(byte* row, sbyte* x, float* scales, int* corrections, int blocks, float* half)
    {
        var acc = Vector512<float>.Zero;
        var b = 0;
        for (; b + 2 <= blocks; b += 2)
        {
            var block = row + b * 18;
            var w = Vector512.Create(Nibbles(block + 2), Nibbles(block + 20));
            var p = Dot512(w, Vector512.Load(x + b * Block)) + Vector512.Load(corrections + b * 8);
            acc = Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(p),
                Scales512(half[*(ushort*)block] * scales[b], half[*(ushort*)(block + 18)] * scales[b + 1]), acc);
        }

        var sum = Vector512.Sum(acc);
        return b < blocks ? sum + Q4Avx2(row + b * 18, x + b * Block, scales + b, corrections + b * 8, blocks - b, half, vnni: false) : sum;
    }

    // Q5_0: the low nibbles as Q4_0's, plus bit e of the 32-bit qh as 16 for element e (ggml's bytes_from_bits_32).
    private static readonly Vector256<byte> BitBytes = Vector256.Create(
        (byte)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);

    private static readonly Vector256<byte> AllButBit = Vector256.Create(0x7fbfdfeff7fbfdfeUL).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<byte> Q5Codes(byte* block)
    {
        var bits = Avx2.Shuffle(Vector256.Create(*(uint*)(block + 2)).AsByte(), BitBytes);
        var set = Avx2.CompareEqual(Avx2.Or(bits, AllButBit), Vector256<byte>.AllBitsSet);
        return Avx2.Or(Nibbles(block + 6), Avx2.And(set, Vector256.Create((byte)0x10)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Q5Avx2(byte* row, sbyte* x, float* scales, int* corrections, int blocks, float* half, bool vnni)
    {
        Vector256<float> a0 = default, a1 = default;
        var b = 0;
        for (; b + 2 <= blocks; b += 2)
        {
            var block = row + b * 22;
            var p0 = DotUnsigned(Q5Codes(block), Avx.LoadVector256(x + b * Block), vnni, Avx.LoadVector256(corrections + b * 8));
            var p1 = DotUnsigned(Q5Codes(block + 22), Avx.LoadVector256(x + (b + 1) * Block), vnni, Avx.LoadVector256(corrections + (b + 1) * 8));
            a0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(p0), Vector256.Create(half[*(ushort*)block] * scales[b]), a0);
            a1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(p1), Vector256.Create(half[*(ushort*)(block + 22)] * scales[b + 1]), a1);
        }

        for (; b < blocks; b++)
        {
            var block = row + b * 22;
            var p = DotUnsigned(Q5Codes(block), Avx.LoadVector256(x + b * Block), vnni, Avx.LoadVector256(corrections + b * 8));
            a0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(p), Vector256.Create(half[*(ushort*)block] * scales[b]), a0);
        }

        return Vector256.Sum(a0 + a1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Q5Avx512(byte* row, sbyte* x, float* scales, int* corrections, int blocks, float* half)
    {
        var acc = Vector512<float>.Zero;
        var b = 0;
        for (; b + 2 <= blocks; b += 2)
        {
            var block = row + b * 22;
            var p = Dot512(Vector512.Create(Q5Codes(block), Q5Codes(block + 22)), Vector512.Load(x + b * Block)) + Vector512.Load(corrections + b * 8);
            acc = Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(p),
                Scales512(half[*(ushort*)block] * scales[b], half[*(ushort*)(block + 22)] * scales[b + 1]), acc);
        }

        var sum = Vector512.Sum(acc);
        return b < blocks ? sum + Q5Avx2(row + b * 22, x + b * Block, scales + b, corrections + b * 8, blocks - b, half, vnni: false) : sum;
    }

    private static float Q5Portable(byte* row, sbyte* x, float* scales, int blocks, float* half)
    {
        var codes = stackalloc sbyte[Block];
        var sum = 0f;
        for (var b = 0; b < blocks; b++)
        {
            var block = row + b * 22;
            var qh = *(uint*)(block + 2);
            for (var j = 0; j < Block / 2; j++)
            {
                codes[j] = (sbyte)((block[6 + j] & 0x0F) | (int)((qh >> j) & 1) << 4);
                codes[j + Block / 2] = (sbyte)((block[6 + j] >> 4) | (int)((qh >> (j + 16)) & 1) << 4);
            }

            sum += half[*(ushort*)block] * scales[b] * DotPortable(codes, x + b * Block);
        }

        return sum;
    }

    private static float Q8Portable(byte* row, sbyte* x, float* scales, int blocks, float* half)
    {
        var sum = 0f;
        for (var b = 0; b < blocks; b++)
        {
            var block = row + b * 34;
            sum += half[*(ushort*)block] * scales[b] * DotPortable((sbyte*)block + 2, x + b * Block);
        }

        return sum;
    }

    private static float Q4Portable(byte* row, sbyte* x, float* scales, int blocks, float* half)
    {
        var codes = stackalloc sbyte[Block];
        var sum = 0f;
        for (var b = 0; b < blocks; b++)
        {
            var block = row + b * 18;
            var raw = Vector128.Load(block + 2);
            (raw & Vector128.Create((byte)0x0F)).Store((byte*)codes);
            Vector128.ShiftRightLogical(raw, 4).Store((byte*)codes + Block / 2);

            sum += half[*(ushort*)block] * scales[b] * DotPortable(codes, x + b * Block);
        }

        return sum;
    }

    // One block's Σ w·x in 32-bit integers with Vector<T> (8 → 16-bit products cannot overflow: |w·x| ≤ 127·128).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int DotPortable(sbyte* w, sbyte* x)
    {
        var width = Vector<sbyte>.Count;
        var i = 0;
        var total = 0;
        if (Vector.IsHardwareAccelerated && width <= Block && Block % width == 0)
        {
            var acc = Vector<int>.Zero;
            for (; i < Block; i += width)
            {
                Vector.Widen(Unsafe.ReadUnaligned<Vector<sbyte>>(w + i), out var w0, out var w1);
                Vector.Widen(Unsafe.ReadUnaligned<Vector<sbyte>>(x + i), out var x0, out var x1);
                Vector.Widen(w0 * x0, out var p0, out var p1);
                Vector.Widen(w1 * x1, out var p2, out var p3);
                acc += (p0 + p1) + (p2 + p3);
            }

            total = Vector.Sum(acc);
        }

        for (; i < Block; i++)
        {
            total += w[i] * x[i];
        }

        return total;
    }
}
