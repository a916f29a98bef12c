namespace TokenSkip.Models.Quantization;

/// <summary>
/// float16 → float32 by table lookup (as ggml does without F16C): every block of a quantized row starts with a float16
/// scale, and one load is cheaper than a software conversion per block.
/// </summary>
internal static class HalfTable
{
    /// <summary>The float32 value of every float16 bit pattern.</summary>
    public static readonly float[] Values = Build();

    private static float[] Build()
    {
        var values = new float[65536];
        for (var bits = 0; bits < values.Length; bits++)
        {
            values[bits] = (float)BitConverter.UInt16BitsToHalf((ushort)bits);
        }

        return values;
    }
}
