namespace TokenSkip.Models.Quantization;

/// <summary>Sizes and names of the <see cref="QuantizationType"/> formats.</summary>
public static class QuantizationTypes
{
    /// <summary>Weights per block of the types TokenSkip quantizes to (Q8_0, Q4_0, and Q5_0), and of the 8-bit activation blocks.</summary>
    public const int BlockSize = 32;

    /// <summary>Weights per super-block of the K-quants (Q4_K, Q6_K).</summary>
    public const int SuperBlockSize = 256;

    /// <summary>The names <see cref="Parse"/> accepts, as the CLI lists them.</summary>
    public const string Names = "q8_0, q4_0";

    /// <summary>Bytes per block of <paramref name="type"/>.</summary>
    public static int BlockBytes(QuantizationType type) => type switch
    {
        QuantizationType.Q8_0 => 34,
        QuantizationType.Q4_0 => 18,
        QuantizationType.Q5_0 => 22,
        QuantizationType.Q4_K => 144,
        QuantizationType.Q6_K => 210,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a supported quantization type"),
    };

    /// <summary>Weights per block of <paramref name="type"/>: 32, or 256 for the K-quants.</summary>
    public static int BlockElements(QuantizationType type) => type is QuantizationType.Q4_K or QuantizationType.Q6_K ? SuperBlockSize : BlockSize;

    /// <summary>
    /// Whether TokenSkip quantizes to <paramref name="type"/> (Q8_0, Q4_0) and runs it with its 8-bit integer kernels;
    /// the other types are read from GGUF files and decoded by dequantizing each row.
    /// </summary>
    public static bool IsQuantizable(QuantizationType type) => type is QuantizationType.Q8_0 or QuantizationType.Q4_0;

    /// <summary>Bytes of one row of <paramref name="columns"/> weights (a multiple of <see cref="BlockElements"/>).</summary>
    public static long RowBytes(QuantizationType type, int columns) => (long)columns / BlockElements(type) * BlockBytes(type);

    /// <summary>The lower-case name (<c>q8_0</c>, <c>q4_0</c>), as llama.cpp writes it.</summary>
    public static string NameOf(QuantizationType type) => type switch
    {
        QuantizationType.Q8_0 => "q8_0",
        QuantizationType.Q4_0 => "q4_0",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <summary>Parses <c>q8_0</c> or <c>q4_0</c> (any case).</summary>
    /// <exception cref="ArgumentException">Another name; the message lists the supported ones.</exception>
    public static QuantizationType Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "q8_0" => QuantizationType.Q8_0,
        "q4_0" => QuantizationType.Q4_0,
        _ => throw new ArgumentException($"quantization '{name}' is not one of {Names}"),
    };
}
