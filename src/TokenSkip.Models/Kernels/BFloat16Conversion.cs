using System.Numerics;
using System.Runtime.InteropServices;

namespace TokenSkip.Models.Kernels;

/// <summary>
/// bfloat16 ↔ float32 conversion of spans with SIMD, bit-exact with libtorch: widening is exact (a bfloat16 is the
/// upper half of a float32); narrowing rounds to nearest, ties to even, and keeps a NaN a NaN (libtorch's own scalar and
/// vectorised paths disagree on which NaN pattern they write).
/// </summary>
public static class BFloat16Conversion
{
    /// <summary>Widens bfloat16 bit patterns to float32.</summary>
    /// <exception cref="ArgumentException">The destination is shorter than the source.</exception>
    public static void ToSingle(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"destination has {destination.Length} elements, need {source.Length}", nameof(destination));
        }

        var wide = MemoryMarshal.Cast<float, uint>(destination);
        var width = Vector<ushort>.Count;
        var i = 0;
        for (; i + width <= source.Length; i += width)
        {
            Vector.Widen(new Vector<ushort>(source[i..]), out var low, out var high);
            (low << 16).CopyTo(wide[i..]);
            (high << 16).CopyTo(wide[(i + width / 2)..]);
        }

        for (; i < source.Length; i++)
        {
            wide[i] = (uint)source[i] << 16;
        }
    }

    /// <summary>Rounds float32 values to bfloat16 bit patterns (nearest, ties to even; a NaN stays a NaN).</summary>
    /// <exception cref="ArgumentException">The destination is shorter than the source.</exception>
    public static void FromSingle(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"destination has {destination.Length} elements, need {source.Length}", nameof(destination));
        }

        var bits = MemoryMarshal.Cast<float, uint>(source);
        var width = Vector<uint>.Count;
        var i = 0;
        for (; i + 2 * width <= bits.Length; i += 2 * width)
        {
            var low = Round(new Vector<uint>(bits[i..]));
            var high = Round(new Vector<uint>(bits[(i + width)..]));
            Vector.Narrow(low, high).CopyTo(destination[i..]);
        }

        for (; i < bits.Length; i++)
        {
            destination[i] = (ushort)Round(new Vector<uint>(bits[i]))[0];
        }
    }

    // (bits + 0x7FFF + lowest kept bit) >> 16 rounds to nearest even; a NaN, which rounding could carry into the
    // infinity pattern, is truncated and made quiet instead.
    private static Vector<uint> Round(Vector<uint> bits)
    {
        var rounded = (bits + new Vector<uint>(0x7FFFu) + ((bits >> 16) & Vector<uint>.One)) >> 16;
        var isNaN = Vector.GreaterThan(bits & new Vector<uint>(0x7FFFFFFFu), new Vector<uint>(0x7F800000u));
        return Vector.ConditionalSelect(isNaN, (bits >> 16) | new Vector<uint>(0x40u), rounded);
    }
}
