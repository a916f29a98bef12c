using System.Buffers;
using static TorchSharp.torch;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace TokenSkip.Models.Kernels;

/// <summary>
/// RMS normalisation of a few rows on the CPU in one pass, with the arithmetic of the libtorch version
/// (<see cref="Transformer.RmsNorm"/>): in float32, <c>x · 1/√(mean(x²) + ε)</c>, rounded to the input's type, times the
/// weight in that type. libtorch spends eight ops (each a few microseconds) on it; a decode step has 49 of them.
/// </summary>
public static class RmsNormKernel
{
    /// <summary>Returns the normalised <paramref name="input"/> [..., size], or null when the kernel does not apply.</summary>
    public static Tensor? TryApply(Tensor input, Tensor weight, double epsilon)
    {
        if (!SmallTensor.IsKernelInput(input) || !SmallTensor.IsKernelInput(weight) || input.dtype != weight.dtype
            || weight.dim() != 1 || input.dim() < 1)
        {
            return null;
        }

        var shape = input.shape; // read once: each read is a native call plus an array
        var size = (int)weight.shape[0];
        if (shape[^1] != size)
        {
            return null;
        }

        var rows = (int)(input.NumberOfElements / size);
        if (rows < 1 || rows > MatrixVectorLinear.MaxRows)
        {
            return null;
        }

        var format = SmallTensor.FormatOf(input.dtype)!.Value;
        using var scope = NewDisposeScope();
        var x = input.is_contiguous() ? input : input.contiguous();
        var output = empty(shape, input.dtype, input.device);
        var values = SmallTensor.RentSingles(x, out var count);
        var scale = SmallTensor.RentSingles(weight.is_contiguous() ? weight : weight.contiguous(), out _);
        try
        {
            var all = values.AsSpan(0, count);
            for (var r = 0; r < rows; r++)
            {
                var row = all.Slice(r * size, size);
                var meanSquare = TensorPrimitives.SumOfSquares(row) / size;
                TensorPrimitives.Multiply(row, 1f / MathF.Sqrt(meanSquare + (float)epsilon), row);
            }

            SmallTensor.RoundInPlace(format, all); // normed.to(dtype)
            for (var r = 0; r < rows; r++)
            {
                var row = all.Slice(r * size, size);
                TensorPrimitives.Multiply(row, scale.AsSpan(0, size), row);
            }

            SmallTensor.Narrow(format, all, output.bytes);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(values);
            ArrayPool<float>.Shared.Return(scale);
        }

        return output.MoveToOuterDisposeScope();
    }
}
