namespace TokenSkip.Models.Quantization;

/// <summary>Sizes and names of the <see cref="QuantizationType"/> formats.</summary>
public static class QuantizationTypes
{
    /// <summary>Weights per block (32 for every supported type).</summary>
    public const int BlockSize = 32;

    /// <summary>The names <see cref="Parse"/> accepts, as the CLI lists them.</summary>
    public const string Names = "q8_0, q4_0";

    /// <summary>Bytes per block of <paramref name="type"/>.</summary>
    public static int BlockBytes(QuantizationType type) => type switch
    {
        QuantizationType.Q8_0 => 34,
        QuantizationType.Q4_0 => 18,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a supported quantization type"),
    };

    /// <summary>Bytes of one row of <paramref name="columns"/> weights (a multiple of <see cref="BlockSize"/>).</summary>
    public static long RowBytes(QuantizationType type, int columns) => (long)columns / BlockSize * BlockBytes(type);

    /// <summary>The lower-case name (<c>q8_0</c>, <c>q4_0</c>), as llama.cpp writes it.</summary>
    public static string NameOf(QuantizationType type) => type switch
    {
        QuantizationType.Q8_0 => "q8_0",
        QuantizationType.Q4_0 => "q4_0",
        _ => type.ToString(),
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
