using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace TokenSkip.Models.Kernels;

/// <summary>
/// <c>y = x·Wᵀ + b</c> for a few input rows <c>x</c> (decoding), with <c>W</c> [out, in] row-major in float32, bfloat16
/// or float16 and <c>x</c>, <c>b</c>, <c>y</c> in float32. Accumulation is in float32.
/// </summary>
/// <remarks>
/// At batch 1 a linear layer reads every weight once per token and does two flops per weight, so its speed is the
/// rate at which the weights stream from memory. libtorch's CPU matrix-vector path is far from that rate for 16-bit
/// weights; this kernel streams each weight row once with SIMD (<see cref="Vector{T}"/>: 256-bit on AVX2/AVX-512,
/// 128-bit on NEON), widening 16-bit weights in registers, and computes every input row against the row while it is in
/// L1. Rows of W are split across the threads of a <see cref="KernelThreadPool"/>.
/// </remarks>
public static unsafe class MatrixVectorProduct
{
    // Output rows per unit of work handed to a thread: enough to amortise claiming, small enough to balance.
    private const int RowsPerChunk = 64;

    private const int PrefetchDistance = 4096;

    /// <summary>True when SIMD is hardware-accelerated here (otherwise callers should prefer libtorch).</summary>
    public static bool IsAccelerated => Vector.IsHardwareAccelerated && Vector<float>.Count >= 4;

    /// <summary>Computes <paramref name="output"/> [rows, out] = <paramref name="input"/> [rows, in] · Wᵀ + <paramref name="bias"/>.</summary>
    /// <param name="weight">The bytes of W [out, in], row-major, in <paramref name="format"/>.</param>
    /// <param name="format">W's element type.</param>
    /// <param name="outFeatures">Rows of W.</param>
    /// <param name="inFeatures">Columns of W.</param>
    /// <param name="input">x, a whole number of rows of <paramref name="inFeatures"/>.</param>
    /// <param name="bias">b [out], or empty for none.</param>
    /// <param name="output">y, rows × <paramref name="outFeatures"/>.</param>
    /// <param name="pool">Threads to split W's rows across; null runs on the calling thread.</param>
    /// <exception cref="ArgumentException">The sizes disagree.</exception>
    public static void Multiply(ReadOnlySpan<byte> weight, WeightFormat format, int outFeatures, int inFeatures,
        ReadOnlySpan<float> input, ReadOnlySpan<float> bias, Span<float> output, KernelThreadPool? pool = null)
    {
        if (outFeatures < 1 || inFeatures < 1 || input.Length % inFeatures != 0)
        {
            throw new ArgumentException($"input of {input.Length} values is not a whole number of rows of {inFeatures}", nameof(input));
        }

        var rows = input.Length / inFeatures;
        var elementSize = format == WeightFormat.Float32 ? 4 : 2;
        if (weight.Length != (long)outFeatures * inFeatures * elementSize)
        {
            throw new ArgumentException($"weight has {weight.Length} bytes; [{outFeatures}, {inFeatures}] {format} needs {(long)outFeatures * inFeatures * elementSize}", nameof(weight));
        }

        if (!bias.IsEmpty && bias.Length != outFeatures)
        {
            throw new ArgumentException($"bias has {bias.Length} values, expected {outFeatures}", nameof(bias));
        }

        if (output.Length != rows * outFeatures)
        {
            throw new ArgumentException($"output has {output.Length} values, expected {rows} × {outFeatures}", nameof(output));
        }

        if (rows == 0)
        {
            return;
        }

        // 16-bit rows are read as 32-bit words holding an (even, odd) pair of weights, so the input is split
        // into its even and odd elements once per call: [rows][even half | odd half].
        var pairs = inFeatures / 2;
        var prepared = ArrayPool<float>.Shared.Rent(format == WeightFormat.Float32 ? 0 : rows * pairs * 2);
        try
        {
            for (var r = 0; r < rows && format != WeightFormat.Float32; r++)
            {
                var x = input.Slice(r * inFeatures, inFeatures);
                var even = prepared.AsSpan(r * pairs * 2, pairs);
                var odd = prepared.AsSpan(r * pairs * 2 + pairs, pairs);
                for (var j = 0; j < pairs; j++)
                {
                    even[j] = x[2 * j];
                    odd[j] = x[2 * j + 1];
                }
            }

            fixed (byte* w = weight)
            fixed (float* x = input, xs = prepared, b = bias, y = output)
            {
                var job = new Job(w, format, outFeatures, inFeatures, rows, x, xs, bias.IsEmpty ? null : b, y);
                var chunks = (outFeatures + RowsPerChunk - 1) / RowsPerChunk;
                if (pool is null || chunks == 1)
                {
                    job.Run(0, outFeatures);
                }
                else
                {
                    pool.Run(job, chunks);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(prepared);
        }
    }

    private sealed class Job(byte* weight, WeightFormat format, int outFeatures, int inFeatures, int rows,
        float* input, float* split, float* bias, float* output) : IChunkedWork
    {
        public void RunChunk(int chunk)
        {
            var start = chunk * RowsPerChunk;
            Run(start, Math.Min(outFeatures, start + RowsPerChunk));
        }

        public void Run(int start, int end)
        {
            switch (format)
            {
                case WeightFormat.Float32:
                    RowsFloat32(start, end);
                    break;
                case WeightFormat.BFloat16:
                    RowsBFloat16(start, end);
                    break;
                default:
                    RowsFloat16(start, end);
                    break;
            }
        }

        // One loop per format with the dot product inlined: a row is only ~2 KB, so a call and a branch per row show.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RowsFloat32(int start, int end)
        {
            for (var o = start; o < end; o++)
            {
                var row = (float*)weight + (long)o * inFeatures;
                for (var r = 0; r < rows; r++)
                {
                    Store(o, r, DotFloat32(row, input + (long)r * inFeatures, inFeatures));
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RowsBFloat16(int start, int end)
        {
            var pairs = inFeatures / 2;
            for (var o = start; o < end; o++)
            {
                var row = (ushort*)weight + (long)o * inFeatures;
                for (var r = 0; r < rows; r++)
                {
                    var sum = DotBFloat16(row, split + (long)r * pairs * 2, pairs);
                    if (inFeatures % 2 == 1)
                    {
                        sum += BFloat16ToSingle(row[inFeatures - 1]) * input[(long)r * inFeatures + inFeatures - 1];
                    }

                    Store(o, r, sum);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RowsFloat16(int start, int end)
        {
            var pairs = inFeatures / 2;
            for (var o = start; o < end; o++)
            {
                var row = (ushort*)weight + (long)o * inFeatures;
                for (var r = 0; r < rows; r++)
                {
                    var sum = DotFloat16(row, split + (long)r * pairs * 2, pairs);
                    if (inFeatures % 2 == 1)
                    {
                        sum += (float)BitConverter.UInt16BitsToHalf(row[inFeatures - 1]) * input[(long)r * inFeatures + inFeatures - 1];
                    }

                    Store(o, r, sum);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Store(int o, int r, float sum) => output[(long)r * outFeatures + o] = bias is null ? sum : sum + bias[o];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float BFloat16ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float DotFloat32(float* w, float* x, int n)
    {
        var width = Vector<float>.Count;
        Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
        var i = 0;
        for (; i + 4 * width <= n; i += 4 * width)
        {
            Prefetch(w + i, 4 * Vector<byte>.Count);
            a0 = Vector.FusedMultiplyAdd(Load<float>(w + i), Load<float>(x + i), a0);
            a1 = Vector.FusedMultiplyAdd(Load<float>(w + i + width), Load<float>(x + i + width), a1);
            a2 = Vector.FusedMultiplyAdd(Load<float>(w + i + 2 * width), Load<float>(x + i + 2 * width), a2);
            a3 = Vector.FusedMultiplyAdd(Load<float>(w + i + 3 * width), Load<float>(x + i + 3 * width), a3);
        }

        for (; i + width <= n; i += width)
        {
            a0 = Vector.FusedMultiplyAdd(Load<float>(w + i), Load<float>(x + i), a0);
        }

        var sum = Vector.Sum((a0 + a1) + (a2 + a3));
        for (; i < n; i++)
        {
            sum += w[i] * x[i];
        }

        return sum;
    }

    // A 32-bit word of a bfloat16 row holds weight 2j in its low half and 2j+1 in its high half; shifting the low
    // half up (or masking the high half) gives the float32 values exactly.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float DotBFloat16(ushort* row, float* split, int pairs)
    {
        var w = (uint*)row;
        var even = split;
        var odd = split + pairs;
        var width = Vector<uint>.Count;
        var high = new Vector<uint>(0xFFFF0000u);
        Vector<float> e0 = default, o0 = default, e1 = default, o1 = default, e2 = default, o2 = default, e3 = default, o3 = default;
        var j = 0;
        for (; j + 4 * width <= pairs; j += 4 * width)
        {
            Prefetch(w + j, 4 * Vector<byte>.Count);
            var v = Load<uint>(w + j);
            e0 = Vector.FusedMultiplyAdd(Vector.AsVectorSingle(v << 16), Load<float>(even + j), e0);
            o0 = Vector.FusedMultiplyAdd(Vector.AsVectorSingle(v & high), Load<float>(odd + j), o0);
            v = Load<uint>(w + j + width);
            e1 = Vector.FusedMultiplyAdd(Vector.AsVectorSingle(v << 16), Load<float>(even + j + width), e1);
            o1 = Vector.FusedMultiplyAdd(Vector.AsVectorSingle(v & high), Load<float>(odd + j + width), o1);
            v = Load<uint>(w + j + 2 * width);
            e2 = Vector.FusedMultiplyAdd(Vector.AsVectorSingle(v << 16), Load<float>(even + j + 2 * width), e2);
            o2 = Vector.FusedMultiplyAdd(Vector.AsVectorSingle(v & high), Load<float>(odd + j + 2 * width), o2);
            v = Load<uint>(w + j + 3 * width);
            e3 = Vector.FusedMultiplyAdd(Vector.AsVectorSingle(v << 16), Load<float>(even + j + 3 * width), e3);
            o3 = Vector.FusedMultiplyAdd(Vector.AsVectorSingle(v & high), Load<float>(odd + j + 3 * width), o3);
        }

        for (; j + width <= pairs; j += width)
        {
            var v = Load<uint>(w + j);
            e0 = Vector.FusedMultiplyAdd(Vector.AsVectorSingle(v << 16), Load<float>(even + j), e0);
            o0 = Vector.FusedMultiplyAdd(Vector.AsVectorSingle(v & high), Load<float>(odd + j), o0);
        }

        var sum = Vector.Sum(((e0 + o0) + (e1 + o1)) + ((e2 + o2) + (e3 + o3)));
        for (; j < pairs; j++)
        {
            sum += BitConverter.UInt32BitsToSingle(w[j] << 16) * even[j] + BitConverter.UInt32BitsToSingle(w[j] & 0xFFFF0000u) * odd[j];
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float DotFloat16(ushort* row, float* split, int pairs)
    {
        var w = (uint*)row;
        var even = split;
        var odd = split + pairs;
        var width = Vector<uint>.Count;
        var low = new Vector<uint>(0xFFFFu);
        Vector<float> e0 = default, o0 = default, e1 = default, o1 = default;
        var j = 0;
        for (; j + 2 * width <= pairs; j += 2 * width)
        {
            Prefetch(w + j, 2 * Vector<byte>.Count);
            var v = Load<uint>(w + j);
            e0 = Vector.FusedMultiplyAdd(HalfToSingle(v & low), Load<float>(even + j), e0);
            o0 = Vector.FusedMultiplyAdd(HalfToSingle(v >> 16), Load<float>(odd + j), o0);
            v = Load<uint>(w + j + width);
            e1 = Vector.FusedMultiplyAdd(HalfToSingle(v & low), Load<float>(even + j + width), e1);
            o1 = Vector.FusedMultiplyAdd(HalfToSingle(v >> 16), Load<float>(odd + j + width), o1);
        }

        for (; j + width <= pairs; j += width)
        {
            var v = Load<uint>(w + j);
            e0 = Vector.FusedMultiplyAdd(HalfToSingle(v & low), Load<float>(even + j), e0);
            o0 = Vector.FusedMultiplyAdd(HalfToSingle(v >> 16), Load<float>(odd + j), o0);
        }

        var sum = Vector.Sum((e0 + o0) + (e1 + o1));
        for (; j < pairs; j++)
        {
            sum += (float)BitConverter.UInt16BitsToHalf((ushort)w[j]) * even[j] + (float)BitConverter.UInt16BitsToHalf((ushort)(w[j] >> 16)) * odd[j];
        }

        return sum;
    }

    // float16 → float32 for one half per 32-bit lane. Moving the exponent and mantissa up by 13 bits and scaling by
    // 2^112 re-biases the exponent (15 → 127) exactly for normal and subnormal values; infinities and NaNs get an
    // all-ones exponent instead.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> HalfToSingle(Vector<uint> half)
    {
        var magnitude = half & new Vector<uint>(0x7FFFu);
        var shifted = magnitude << 13;
        var scaled = Vector.AsVectorUInt32(Vector.AsVectorSingle(shifted) * new Vector<float>(5.192296858534828e33f));
        var special = Vector.GreaterThanOrEqual(magnitude, new Vector<uint>(0x7C00u));
        var bits = Vector.ConditionalSelect(special, shifted | new Vector<uint>(0x7F800000u), scaled);
        return Vector.AsVectorSingle(bits | ((half & new Vector<uint>(0x8000u)) << 16));
    }

    // Asks for the cache lines PrefetchDistance bytes ahead of the bytes a loop step reads (a few rows on, as rows
    // are contiguous): the hardware prefetcher alone leaves bandwidth unused on rows this short.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prefetch(void* position, int bytes)
    {
        if (Sse.IsSupported)
        {
            var ahead = (byte*)position + PrefetchDistance;
            for (var line = 0; line < bytes; line += 64)
            {
                Sse.Prefetch0(ahead + line);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Load<T>(T* pointer)
        where T : unmanaged => Unsafe.ReadUnaligned<Vector<T>>(pointer);
}
