using System.Buffers;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace TokenSkip.Models.Kernels;

/// <summary>
/// What the CPU kernels share: which tensors they take (CPU, float32/bfloat16/float16, no gradients) and copying
/// values between such tensors and float32 scratch arrays, rounding the way libtorch does.
/// </summary>
internal static class SmallTensor
{
    public static WeightFormat? FormatOf(ScalarType type) => type switch
    {
        ScalarType.Float32 => WeightFormat.Float32,
        ScalarType.BFloat16 => WeightFormat.BFloat16,
        ScalarType.Float16 => WeightFormat.Float16,
        _ => null,
    };

    /// <summary>True for a CPU tensor of a kernel type that autograd does not track.</summary>
    public static bool IsKernelInput(Tensor tensor) =>
        tensor.device_type == DeviceType.CPU && FormatOf(tensor.dtype) is not null && !tensor.requires_grad;

    /// <summary>The values of a contiguous tensor as float32, in a rented array (return it to <see cref="ArrayPool{T}.Shared"/>).</summary>
    public static float[] RentSingles(Tensor tensor, out int count)
    {
        count = (int)tensor.NumberOfElements;
        var values = ArrayPool<float>.Shared.Rent(count);
        Widen(FormatOf(tensor.dtype)!.Value, tensor.bytes, values.AsSpan(0, count));
        return values;
    }

    /// <summary>Widens <paramref name="source"/> (the bytes of values in <paramref name="format"/>) to float32.</summary>
    public static void Widen(WeightFormat format, ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (format)
        {
            case WeightFormat.Float32:
                MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                break;
            case WeightFormat.Float16:
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source), destination);
                break;
            default:
                BFloat16Conversion.ToSingle(MemoryMarshal.Cast<byte, ushort>(source), destination);
                break;
        }
    }

    /// <summary>Rounds float32 values into <paramref name="destination"/> (bytes in <paramref name="format"/>), nearest-even.</summary>
    public static void Narrow(WeightFormat format, ReadOnlySpan<float> source, Span<byte> destination)
    {
        switch (format)
        {
            case WeightFormat.Float32:
                source.CopyTo(MemoryMarshal.Cast<byte, float>(destination));
                break;
            case WeightFormat.Float16:
                TensorPrimitives.ConvertToHalf(source, MemoryMarshal.Cast<byte, Half>(destination));
                break;
            default:
                BFloat16Conversion.FromSingle(source, MemoryMarshal.Cast<byte, ushort>(destination));
                break;
        }
    }

    /// <summary>Rounds float32 values in place to the nearest value of <paramref name="format"/> (what a libtorch op in that type stores).</summary>
    public static void RoundInPlace(WeightFormat format, Span<float> values)
    {
        if (format == WeightFormat.Float32)
        {
            return;
        }

        var narrow = ArrayPool<ushort>.Shared.Rent(values.Length);
        try
        {
            var bits = MemoryMarshal.AsBytes(narrow.AsSpan(0, values.Length));
            Narrow(format, values, bits);
            Widen(format, bits, values);
        }
        finally
        {
            ArrayPool<ushort>.Shared.Return(narrow);
        }
    }
}
