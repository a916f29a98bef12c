using TorchSharp;

namespace TokenSkip.Models.Runtime;

/// <summary>The compute precisions a model can be loaded in.</summary>
public static class ModelDType
{
    /// <summary>Parses "float32"/"fp32", "bfloat16"/"bf16" or "float16"/"fp16".</summary>
    /// <exception cref="ArgumentException">Any other text.</exception>
    public static torch.ScalarType Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "float32" or "fp32" or "f32" => torch.ScalarType.Float32,
        "bfloat16" or "bf16" => torch.ScalarType.BFloat16,
        "float16" or "fp16" or "f16" or "half" => torch.ScalarType.Float16,
        _ => throw new ArgumentException($"dtype '{text}' is not one of float32, bfloat16, float16", nameof(text)),
    };

    /// <summary>The default precision for a device: bfloat16 on CUDA, float32 on the CPU.</summary>
    public static torch.ScalarType DefaultFor(ComputeDevice device) =>
        device.IsCuda ? torch.ScalarType.BFloat16 : torch.ScalarType.Float32;

    /// <summary>The lower-case name ("float32", "bfloat16", "float16").</summary>
    public static string NameOf(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Float32 => "float32",
        torch.ScalarType.BFloat16 => "bfloat16",
        torch.ScalarType.Float16 => "float16",
        _ => type.ToString().ToLowerInvariant(),
    };
}
