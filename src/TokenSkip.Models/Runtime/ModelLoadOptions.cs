using TorchSharp;

namespace TokenSkip.Models.Runtime;

/// <summary>How to load a checkpoint: device and precision.</summary>
public sealed record ModelLoadOptions
{
    /// <summary>The device; CPU by default.</summary>
    public ComputeDevice Device { get; init; } = ComputeDevice.Cpu;

    /// <summary>The compute precision; null picks bfloat16 on CUDA and float32 on the CPU.</summary>
    public torch.ScalarType? DType { get; init; }

    /// <summary>
    /// Whether linear layers (and the tied output head) run inputs of a few rows on the CPU through the SIMD
    /// matrix-vector kernel instead of libtorch: decoding is several times faster that way for 16-bit weights.
    /// Default true; false keeps every product in libtorch (for comparisons).
    /// </summary>
    public bool UseMatrixVectorKernel { get; init; } = true;

    /// <summary>The precision actually used.</summary>
    public torch.ScalarType ResolvedDType => DType ?? ModelDType.DefaultFor(Device);
}
