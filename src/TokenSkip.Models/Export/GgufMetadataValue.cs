namespace TokenSkip.Models.Export;

/// <summary>
/// One GGUF metadata value: a scalar, a string, or an array of one element type. <see cref="Value"/> holds the CLR value
/// (<c>uint</c>, <c>int</c>, <c>float</c>, <c>bool</c>, <c>ulong</c>, <c>string</c>, or an array of one of these for
/// <see cref="GgufValueType.Array"/>).
/// </summary>
/// <param name="Type">The value's type code.</param>
/// <param name="Value">The value.</param>
/// <param name="ElementType">For arrays, the element type; otherwise the same as <paramref name="Type"/>.</param>
public sealed record GgufMetadataValue(GgufValueType Type, object Value, GgufValueType ElementType)
{
    /// <summary>A string value.</summary>
    public static GgufMetadataValue Of(string value) => new(GgufValueType.String, value, GgufValueType.String);

    /// <summary>A 32-bit unsigned value.</summary>
    public static GgufMetadataValue Of(uint value) => new(GgufValueType.UInt32, value, GgufValueType.UInt32);

    /// <summary>A 32-bit signed value.</summary>
    public static GgufMetadataValue Of(int value) => new(GgufValueType.Int32, value, GgufValueType.Int32);

    /// <summary>A 64-bit unsigned value.</summary>
    public static GgufMetadataValue Of(ulong value) => new(GgufValueType.UInt64, value, GgufValueType.UInt64);

    /// <summary>A 32-bit float value.</summary>
    public static GgufMetadataValue Of(float value) => new(GgufValueType.Float32, value, GgufValueType.Float32);

    /// <summary>A boolean value.</summary>
    public static GgufMetadataValue Of(bool value) => new(GgufValueType.Bool, value, GgufValueType.Bool);

    /// <summary>An array of strings.</summary>
    public static GgufMetadataValue Of(string[] values) => new(GgufValueType.Array, values, GgufValueType.String);

    /// <summary>An array of 32-bit signed integers.</summary>
    public static GgufMetadataValue Of(int[] values) => new(GgufValueType.Array, values, GgufValueType.Int32);

    /// <summary>An array of 32-bit floats.</summary>
    public static GgufMetadataValue Of(float[] values) => new(GgufValueType.Array, values, GgufValueType.Float32);
}
