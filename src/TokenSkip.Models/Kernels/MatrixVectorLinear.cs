using System.Buffers;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace TokenSkip.Models.Kernels;

/// <summary>
/// <c>nn.functional.linear</c> through <see cref="MatrixVectorProduct"/> when that is the faster way: the input has at
/// most <see cref="MaxRows"/> rows (decoding), everything is on the CPU in the same float32, bfloat16 or float16
/// type, nothing needs gradients, and SIMD is accelerated. The result has the input's type, like libtorch's.
/// </summary>
public static class MatrixVectorLinear
{
    /// <summary>The most input rows sent to the kernel; more rows go to libtorch's GEMM, which then wins.</summary>
    public const int MaxRows = 4;

    /// <summary>Returns <c>x·Wᵀ + b</c> computed by the kernel, or null when the kernel does not apply (use libtorch).</summary>
    /// <param name="input">x [..., in].</param>
    /// <param name="weight">W [out, in].</param>
    /// <param name="bias">b [out], or null.</param>
    public static Tensor? TryApply(Tensor input, Tensor weight, Tensor? bias)
    {
        if (!MatrixVectorProduct.IsAccelerated || !SmallTensor.IsKernelInput(input) || !SmallTensor.IsKernelInput(weight)
            || input.dtype != weight.dtype || weight.dim() != 2 || input.dim() < 1 || !weight.is_contiguous()
            || (bias is not null && (!SmallTensor.IsKernelInput(bias) || bias.dtype != weight.dtype || bias.dim() != 1))
            || weight.NumberOfElements * weight.ElementSize > int.MaxValue)
        {
            return null;
        }

        // Shapes are read once: each read is a native call plus an array.
        var format = SmallTensor.FormatOf(weight.dtype)!.Value;
        var shape = input.shape;
        var weightShape = weight.shape;
        var outFeatures = (int)weightShape[0];
        var inFeatures = (int)weightShape[1];
        var rows = (int)(input.NumberOfElements / inFeatures);
        if (shape[^1] != inFeatures || (bias is not null && bias.shape[0] != outFeatures) || rows < 1 || rows > MaxRows)
        {
            return null;
        }

        using var scope = NewDisposeScope();
        var x = input.is_contiguous() ? input : input.contiguous();
        var b = bias is null ? null : bias.is_contiguous() ? bias : bias.contiguous();
        var outputShape = shape.ToArray();
        outputShape[^1] = outFeatures;
        var output = empty(outputShape, input.dtype, input.device);
        var pool = KernelThreadPool.Shared(DecodeThreadScope.KernelThreads);
        if (format == WeightFormat.Float32)
        {
            MatrixVectorProduct.Multiply(weight.bytes, format, outFeatures, inFeatures,
                MemoryMarshal.Cast<byte, float>(x.bytes), b is null ? [] : MemoryMarshal.Cast<byte, float>(b.bytes),
                MemoryMarshal.Cast<byte, float>(output.bytes), pool);
            return output.MoveToOuterDisposeScope();
        }

        var inputValues = ArrayPool<float>.Shared.Rent(rows * inFeatures);
        var biasValues = ArrayPool<float>.Shared.Rent(b is null ? 0 : outFeatures);
        var outputValues = ArrayPool<float>.Shared.Rent(rows * outFeatures);
        try
        {
            var xs = inputValues.AsSpan(0, rows * inFeatures);
            var bs = biasValues.AsSpan(0, b is null ? 0 : outFeatures);
            var ys = outputValues.AsSpan(0, rows * outFeatures);
            SmallTensor.Widen(format, x.bytes, xs);
            if (b is not null)
            {
                SmallTensor.Widen(format, b.bytes, bs);
            }

            MatrixVectorProduct.Multiply(weight.bytes, format, outFeatures, inFeatures, xs, bs, ys, pool);
            SmallTensor.Narrow(format, ys, output.bytes);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(inputValues);
            ArrayPool<float>.Shared.Return(biasValues);
            ArrayPool<float>.Shared.Return(outputValues);
        }

        return output.MoveToOuterDisposeScope();
    }
}
