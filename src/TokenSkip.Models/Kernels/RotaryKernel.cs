using System.Buffers;
using static TorchSharp.torch;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace TokenSkip.Models.Kernels;

/// <summary>
/// Rotary position embedding (rotate-half) of one new token per sequence on the CPU in one pass, with the arithmetic
/// of <see cref="Transformer.RotaryEmbedding.Apply"/>: <c>x·cos + rotate_half(x)·sin</c>, each product and the sum
/// rounded to the input's type as libtorch's three ops would. libtorch spends seven ops on it, twice per layer.
/// </summary>
public static class RotaryKernel
{
    /// <summary>
    /// Rotates <paramref name="input"/> [B, heads, 1, headDim] by <paramref name="cos"/>/<paramref name="sin"/>
    /// [1 or B, 1, 1, headDim], or returns null when the kernel does not apply (prefill, other shapes or devices).
    /// </summary>
    public static Tensor? TryApply(Tensor input, Tensor cos, Tensor sin)
    {
        // Shapes are read once: each read is a native call plus an array.
        if (!SmallTensor.IsKernelInput(input) || !SmallTensor.IsKernelInput(cos) || !SmallTensor.IsKernelInput(sin)
            || cos.dtype != input.dtype || sin.dtype != input.dtype)
        {
            return null;
        }

        var shape = input.shape;
        var table = cos.shape;
        if (shape.Length != 4 || shape[2] != 1 || shape[0] > MatrixVectorLinear.MaxRows || shape[3] % 2 != 0
            || table.Length != 4 || table[1] != 1 || table[2] != 1 || table[3] != shape[3] || (table[0] != 1 && table[0] != shape[0])
            || !sin.shape.SequenceEqual(table))
        {
            return null;
        }

        var format = SmallTensor.FormatOf(input.dtype)!.Value;
        var batch = (int)shape[0];
        var heads = (int)shape[1];
        var dim = (int)shape[3];
        var half = dim / 2;
        var perBatch = table[0] != 1;
        using var scope = NewDisposeScope();
        var x = input.is_contiguous() ? input : input.contiguous();
        var output = empty(shape, input.dtype, input.device);
        var values = SmallTensor.RentSingles(x, out var count);
        var cosines = SmallTensor.RentSingles(cos.is_contiguous() ? cos : cos.contiguous(), out _);
        var sines = SmallTensor.RentSingles(sin.is_contiguous() ? sin : sin.contiguous(), out _);
        var straight = ArrayPool<float>.Shared.Rent(count);
        var rotated = ArrayPool<float>.Shared.Rent(count);
        try
        {
            for (var b = 0; b < batch; b++)
            {
                var first = perBatch ? b * dim : 0;
                var c = cosines.AsSpan(first, dim);
                var s = sines.AsSpan(first, dim);
                for (var h = 0; h < heads; h++)
                {
                    var row = (b * heads + h) * dim;
                    var head = values.AsSpan(row, dim);
                    TensorPrimitives.Multiply(head, c, straight.AsSpan(row, dim));

                    // rotate_half(x) = [-x2, x1], times sin
                    var turned = rotated.AsSpan(row, dim);
                    TensorPrimitives.Multiply(head[half..], s[..half], turned[..half]);
                    TensorPrimitives.Negate(turned[..half], turned[..half]);
                    TensorPrimitives.Multiply(head[..half], s[half..], turned[half..]);
                }
            }

            // libtorch stores x·cos and rotate_half(x)·sin in the input's type before adding them.
            SmallTensor.RoundInPlace(format, straight.AsSpan(0, count));
            SmallTensor.RoundInPlace(format, rotated.AsSpan(0, count));
            TensorPrimitives.Add(straight.AsSpan(0, count), rotated.AsSpan(0, count), straight.AsSpan(0, count));
            SmallTensor.Narrow(format, straight.AsSpan(0, count), output.bytes);
        }
        finally
        {
            foreach (var array in new[] { values, cosines, sines, straight, rotated })
            {
                ArrayPool<float>.Shared.Return(array);
            }
        }

        return output.MoveToOuterDisposeScope();
    }
}
