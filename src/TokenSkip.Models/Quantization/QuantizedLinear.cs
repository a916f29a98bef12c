using System.Buffers;
using System.Runtime.InteropServices;
using TokenSkip.Models.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace TokenSkip.Models.Quantization;

/// <summary>
/// <c>nn.functional.linear</c> and embedding lookup for a <see cref="QuantizedMatrix"/> on the CPU. Inputs of at most
/// <see cref="MatrixVectorLinear.MaxRows"/> rows (decoding) go through <see cref="QuantizedMatrixVector"/>; longer
/// inputs (prefill) are multiplied by libtorch's GEMM one tile of W at a time, each tile dequantized (on the kernel
/// threads) into the input's type just before its product, so no float copy of W outlives the call. Results have
/// the input's type.
/// </summary>
public static class QuantizedLinear
{
    // Elements per dequantized tile: every decoder matrix of common models fits one tile (its product is written
    // straight to the output, no copy); only output heads are split. A transient of 64 MB in float32, 32 MB in 16 bits.
    private const int TileElements = 16 << 20;

    /// <summary>Returns <c>x·Wᵀ + b</c>.</summary>
    /// <param name="input">x [..., W.Columns]: CPU, float32/bfloat16/float16.</param>
    /// <param name="weight">W.</param>
    /// <param name="bias">b [W.Rows] in x's type, or null.</param>
    /// <exception cref="ArgumentException">x is not a CPU float tensor of W's width.</exception>
    public static Tensor Apply(Tensor input, QuantizedMatrix weight, Tensor? bias)
    {
        var format = SmallTensor.FormatOf(input.dtype);
        if (input.device_type != DeviceType.CPU || format is null)
        {
            throw new ArgumentException($"a quantized linear layer takes CPU float32/bfloat16/float16 inputs; got {input.dtype} on {input.device}", nameof(input));
        }

        var shape = input.shape;
        if (shape.Length < 1 || shape[^1] != weight.Columns)
        {
            throw new ArgumentException($"input [{string.Join(", ", shape)}] does not end in W's {weight.Columns} columns", nameof(input));
        }

        var rows = (int)(input.NumberOfElements / weight.Columns);
        var outputShape = shape.ToArray();
        outputShape[^1] = weight.Rows;
        using var scope = NewDisposeScope();
        var x = input.is_contiguous() ? input : input.contiguous();
        var output = rows <= MatrixVectorLinear.MaxRows
            ? Decode(x, weight, bias, format.Value, rows, outputShape)
            : Prefill(x.view(rows, weight.Columns), weight, bias).view(outputShape);
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>Rows <paramref name="ids"/> of W, dequantized: an embedding lookup, shape ids.shape + [W.Columns].</summary>
    public static Tensor Rows(QuantizedMatrix weight, Tensor ids, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var flat = ids.flatten().to(ScalarType.Int64, CPU);
        var indices = flat.data<long>().ToArray();
        var values = empty([indices.Length, weight.Columns], ScalarType.Float32);
        var destination = MemoryMarshal.Cast<byte, float>(values.bytes);
        for (var i = 0; i < indices.Length; i++)
        {
            if (indices[i] < 0 || indices[i] >= weight.Rows)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), $"token id {indices[i]} is outside the vocabulary of {weight.Rows}");
            }

            weight.DequantizeRows((int)indices[i], 1, destination.Slice(i * weight.Columns, weight.Columns));
        }

        var shape = ids.shape.Append(weight.Columns).ToArray();
        var result = (dtype == ScalarType.Float32 ? values : values.to_type(dtype)).view(shape);
        return result.MoveToOuterDisposeScope();
    }

    private static Tensor Decode(Tensor x, QuantizedMatrix weight, Tensor? bias, WeightFormat format, int rows, long[] outputShape)
    {
        var output = empty(outputShape, x.dtype);
        var inputValues = SmallTensor.RentSingles(x, out var inputCount);
        var biasValues = bias is null ? null : SmallTensor.RentSingles(bias.is_contiguous() ? bias : bias.contiguous(), out _);
        var outputValues = ArrayPool<float>.Shared.Rent(rows * weight.Rows);
        try
        {
            var ys = outputValues.AsSpan(0, rows * weight.Rows);
            QuantizedMatrixVector.Multiply(weight, inputValues.AsSpan(0, inputCount), biasValues is null ? [] : biasValues.AsSpan(0, weight.Rows),
                ys, KernelThreadPool.Shared(DecodeThreadScope.KernelThreads));
            SmallTensor.Narrow(format, ys, output.bytes);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(inputValues);
            if (biasValues is not null)
            {
                ArrayPool<float>.Shared.Return(biasValues);
            }

            ArrayPool<float>.Shared.Return(outputValues);
        }

        return output;
    }

    private static Tensor Prefill(Tensor x, QuantizedMatrix weight, Tensor? bias)
    {
        var rows = x.shape[0];
        var tileRows = Math.Max(64, TileElements / weight.Columns);
        if (tileRows >= weight.Rows)
        {
            using var tile = Dequantize(weight, 0, weight.Rows, x.dtype);
            return nn.functional.linear(x, tile, bias);
        }

        var output = empty([rows, weight.Rows], x.dtype);
        for (var start = 0; start < weight.Rows; start += tileRows)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(tileRows, weight.Rows - start);
            var tile = Dequantize(weight, start, count, x.dtype);
            output.narrow(1, start, count).copy_(nn.functional.linear(x, tile));
        }

        return bias is null ? output : output.add_(bias);
    }

    /// <summary>Rows [start, start + count) of W as a [count, W.Columns] tensor of <paramref name="dtype"/> (float32, bfloat16 or float16).</summary>
    internal static unsafe Tensor Dequantize(QuantizedMatrix weight, int start, int count, ScalarType dtype)
    {
        var format = SmallTensor.FormatOf(dtype) ?? throw new ArgumentException($"cannot dequantize to {dtype}", nameof(dtype));
        var tile = empty([count, weight.Columns], dtype);
        fixed (byte* destination = tile.bytes)
        {
            var work = new DequantizeWork(weight, start, count, format, destination);
            KernelThreadPool.Shared(DecodeThreadScope.KernelThreads).Run(work, work.Chunks);
        }

        return tile;
    }

    // Chunks of rows, dequantized straight into the tile (16-bit tiles through a per-thread float32 buffer).
    private sealed unsafe class DequantizeWork(QuantizedMatrix weight, int start, int count, WeightFormat format, byte* destination) : IChunkedWork
    {
        private const int RowsPerChunk = 64;

        [ThreadStatic]
        private static float[]? _buffer;

        public int Chunks => (count + RowsPerChunk - 1) / RowsPerChunk;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public void RunChunk(int chunk)
        {
            var first = chunk * RowsPerChunk;
            var rows = Math.Min(RowsPerChunk, count - first);
            var values = rows * weight.Columns;
            if (format == WeightFormat.Float32)
            {
                weight.DequantizeRows(start + first, rows, (float*)destination + (long)first * weight.Columns);
                return;
            }

            var buffer = _buffer is { } existing && existing.Length >= values ? existing : _buffer = new float[RowsPerChunk * weight.Columns];
            fixed (float* floats = buffer)
            {
                weight.DequantizeRows(start + first, rows, floats);
            }

            SmallTensor.Narrow(format, buffer.AsSpan(0, values), new Span<byte>(destination + (long)first * weight.Columns * 2, values * 2));
        }
    }
}
