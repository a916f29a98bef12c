using TorchSharp;

namespace TokenSkip.Models.Checkpoints;

/// <summary>The element types of the safetensors format and how they map to TorchSharp.</summary>
public static class SafeTensorDType
{
    /// <summary>Returns the TorchSharp type and element size of a safetensors dtype name, or false when unknown.</summary>
    public static bool TryParse(string name, out torch.ScalarType type, out int elementSize)
    {
        (type, elementSize) = name switch
        {
            "F32" => (torch.ScalarType.Float32, 4),
            "F16" => (torch.ScalarType.Float16, 2),
            "BF16" => (torch.ScalarType.BFloat16, 2),
            "F64" => (torch.ScalarType.Float64, 8),
            "I64" => (torch.ScalarType.Int64, 8),
            "I32" => (torch.ScalarType.Int32, 4),
            "I16" => (torch.ScalarType.Int16, 2),
            "I8" => (torch.ScalarType.Int8, 1),
            "U8" => (torch.ScalarType.Byte, 1),
            "BOOL" => (torch.ScalarType.Bool, 1),
            _ => (torch.ScalarType.Float32, 0),
        };
        return elementSize > 0;
    }

    /// <summary>The safetensors dtype name of a TorchSharp type.</summary>
    /// <exception cref="NotSupportedException">The type has no safetensors name.</exception>
    public static string NameOf(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Float32 => "F32",
        torch.ScalarType.Float16 => "F16",
        torch.ScalarType.BFloat16 => "BF16",
        torch.ScalarType.Float64 => "F64",
        torch.ScalarType.Int64 => "I64",
        torch.ScalarType.Int32 => "I32",
        torch.ScalarType.Int16 => "I16",
        torch.ScalarType.Int8 => "I8",
        torch.ScalarType.Byte => "U8",
        torch.ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"dtype {type} cannot be stored in safetensors"),
    };

    /// <summary>True for the floating-point types model weights may use (F32, F16, BF16).</summary>
    public static bool IsWeightType(string name) => name is "F32" or "F16" or "BF16";
}
