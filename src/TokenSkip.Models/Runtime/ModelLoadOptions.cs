using TorchSharp;

namespace TokenSkip.Models.Runtime;

/// <summary>How to load a checkpoint: device and precision.</summary>
public sealed record ModelLoadOptions
{
    /// <summary>The device; CPU by default.</summary>
    public ComputeDevice Device { get; init; } = ComputeDevice.Cpu;

    /// <summary>The compute precision; null picks bfloat16 on CUDA and float32 on the CPU.</summary>
    public torch.ScalarType? DType { get; init; }

    /// <summary>The precision actually used.</summary>
    public torch.ScalarType ResolvedDType => DType ?? ModelDType.DefaultFor(Device);
}
