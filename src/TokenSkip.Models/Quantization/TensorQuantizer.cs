using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace TokenSkip.Models.Quantization;

/// <summary>Quantizes a 2-D float tensor (any float type, CPU) into a <see cref="QuantizedMatrix"/>, a slab of rows at a time.</summary>
public static class TensorQuantizer
{
    // Rows converted to float32 at once: bounds the transient copy (64 MB at most for a 4096-wide matrix).
    private const int SlabElements = 16 << 20;

    /// <summary>Quantizes <paramref name="weight"/> [rows, columns] to <paramref name="type"/>.</summary>
    /// <exception cref="ArgumentException">The tensor is not 2-D with a multiple of 32 columns.</exception>
    public static unsafe QuantizedMatrix Quantize(Tensor weight, QuantizationType type)
    {
        if (weight.dim() != 2)
        {
            throw new ArgumentException($"only matrices are quantized; got shape [{string.Join(", ", weight.shape)}]", nameof(weight));
        }

        var rows = (int)weight.shape[0];
        var columns = (int)weight.shape[1];
        var matrix = QuantizedMatrix.Allocate(type, rows, columns);
        try
        {
            var slab = Math.Max(1, SlabElements / columns);
            for (var start = 0; start < rows; start += slab)
            {
                using var scope = NewDisposeScope();
                var count = Math.Min(slab, rows - start);
                var values = weight.narrow(0, start, count).detach().to(ScalarType.Float32, CPU).contiguous();
                var floats = values.bytes;
                var destination = matrix.Data + start * matrix.RowBytes;
                fixed (byte* source = floats)
                {
                    var from = (nint)source;
                    var to = (nint)destination;
                    var rowBytes = matrix.RowBytes;
                    Parallel.For(0, count, r => BlockQuantizer.Quantize(type,
                        new ReadOnlySpan<float>((float*)from + (long)r * columns, columns),
                        new Span<byte>((byte*)to + r * rowBytes, (int)rowBytes)));
                }
            }

            return matrix;
        }
        catch
        {
            matrix.Dispose();
            throw;
        }
    }
}
