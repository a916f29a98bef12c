using System.Buffers;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
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
        if (!MatrixVectorProduct.IsAccelerated || input.device_type != DeviceType.CPU || weight.device_type != DeviceType.CPU
            || weight.dim() != 2 || input.dim() < 1 || input.shape[^1] != weight.shape[1]
            || input.dtype != weight.dtype || FormatOf(weight.dtype) is not { } format
            || input.requires_grad || weight.requires_grad || !weight.is_contiguous()
            || (bias is not null && (bias.dtype != weight.dtype || bias.device_type != DeviceType.CPU || bias.requires_grad
                || bias.dim() != 1 || bias.shape[0] != weight.shape[0]))
            || weight.NumberOfElements * weight.ElementSize > int.MaxValue)
        {
            return null;
        }

        var inFeatures = (int)weight.shape[1];
        var outFeatures = (int)weight.shape[0];
        var rows = (int)(input.NumberOfElements / inFeatures);
        if (rows < 1 || rows > MaxRows)
        {
            return null;
        }

        using var scope = NewDisposeScope();
        var x = input.is_contiguous() ? input : input.contiguous();
        var b = bias is null ? null : bias.is_contiguous() ? bias : bias.contiguous();
        var shape = input.shape.ToArray();
        shape[^1] = outFeatures;
        var output = empty(shape, input.dtype, input.device);
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
            Widen(format, x.bytes, xs);
            if (b is not null)
            {
                Widen(format, b.bytes, bs);
            }

            MatrixVectorProduct.Multiply(weight.bytes, format, outFeatures, inFeatures, xs, bs, ys, pool);
            Narrow(format, ys, output.bytes);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(inputValues);
            ArrayPool<float>.Shared.Return(biasValues);
            ArrayPool<float>.Shared.Return(outputValues);
        }

        return output.MoveToOuterDisposeScope();
    }

    private static WeightFormat? FormatOf(ScalarType type) => type switch
    {
        ScalarType.Float32 => WeightFormat.Float32,
        ScalarType.BFloat16 => WeightFormat.BFloat16,
        ScalarType.Float16 => WeightFormat.Float16,
        _ => null,
    };

    private static void Widen(WeightFormat format, ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (format == WeightFormat.Float16)
        {
            TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source), destination);
        }
        else
        {
            BFloat16Conversion.ToSingle(MemoryMarshal.Cast<byte, ushort>(source), destination);
        }
    }

    // Rounds to nearest-even like libtorch's float → bfloat16 / float16 conversions.
    private static void Narrow(WeightFormat format, ReadOnlySpan<float> source, Span<byte> destination)
    {
        if (format == WeightFormat.Float16)
        {
            TensorPrimitives.ConvertToHalf(source, MemoryMarshal.Cast<byte, Half>(destination));
        }
        else
        {
            BFloat16Conversion.FromSingle(source, MemoryMarshal.Cast<byte, ushort>(destination));
        }
    }
}
