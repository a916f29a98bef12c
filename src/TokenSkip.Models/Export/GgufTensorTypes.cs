using TokenSkip.Models.Quantization;

namespace TokenSkip.Models.Export;

/// <summary>What this project knows of each <see cref="GgufTensorType"/>: which it reads and writes, and their sizes.</summary>
public static class GgufTensorTypes
{
    /// <summary>The types GGUF files may hold for this project to load them, as error messages list them.</summary>
    public const string Supported = "F32, F16, BF16, Q8_0, Q4_0, Q5_0, Q4_K, Q6_K";

    /// <summary>Whether <paramref name="type"/> is a plain float type (F32, F16, BF16).</summary>
    public static bool IsFloat(GgufTensorType type) => type is GgufTensorType.F32 or GgufTensorType.F16 or GgufTensorType.BF16;

    /// <summary>The block format of a quantized <paramref name="type"/> this project runs, or null.</summary>
    public static QuantizationType? QuantizationOf(GgufTensorType type) => type switch
    {
        GgufTensorType.Q8_0 => QuantizationType.Q8_0,
        GgufTensorType.Q4_0 => QuantizationType.Q4_0,
        GgufTensorType.Q5_0 => QuantizationType.Q5_0,
        GgufTensorType.Q4_K => QuantizationType.Q4_K,
        GgufTensorType.Q6_K => QuantizationType.Q6_K,
        _ => null,
    };

    /// <summary>Whether <see cref="GgufWriter"/> writes tensors of <paramref name="type"/> (F32, F16, BF16, Q8_0, Q4_0).</summary>
    public static bool IsWritable(GgufTensorType type) => IsFloat(type) || (QuantizationOf(type) is { } q && QuantizationTypes.IsQuantizable(q));

    /// <summary>The GGUF type of a block format.</summary>
    public static GgufTensorType Of(QuantizationType type) => (GgufTensorType)(uint)type;

    /// <summary>Whether this project loads tensors of <paramref name="type"/>.</summary>
    public static bool IsSupported(GgufTensorType type) => IsFloat(type) || QuantizationOf(type) is not null;

    /// <summary>The name llama.cpp gives <paramref name="type"/>, or its code when unknown.</summary>
    public static string NameOf(GgufTensorType type) => Enum.IsDefined(type) ? type.ToString() : $"ggml type {(uint)type}";

    /// <summary>Bytes of a supported tensor of PyTorch shape <paramref name="shape"/> (outermost first).</summary>
    public static ulong ByteCount(GgufTensorType type, IReadOnlyList<long> shape)
    {
        var elements = shape.Aggregate(1UL, (n, d) => n * (ulong)d);
        return type switch
        {
            GgufTensorType.F32 => elements * 4,
            GgufTensorType.F16 or GgufTensorType.BF16 => elements * 2,
            _ when QuantizationOf(type) is { } quantization => elements / (ulong)QuantizationTypes.BlockElements(quantization) * (ulong)QuantizationTypes.BlockBytes(quantization),
            _ => throw new NotSupportedException($"GGUF tensor type {NameOf(type)} is not supported (supported: {Supported})"),
        };
    }
}
