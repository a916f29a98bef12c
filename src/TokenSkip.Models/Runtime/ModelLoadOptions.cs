using TokenSkip.Models.Quantization;
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
    /// Whether decode-sized work on the CPU (inputs of a few rows: linear layers and the tied output head, RMS norms,
    /// rotary embeddings) runs through TokenSkip's SIMD kernels instead of libtorch; decoding is several times faster
    /// that way for 16-bit weights. <see cref="Transformer.CausalLanguageModel.Load"/> then also asks Linux for huge
    /// pages under the weights (<see cref="Kernels.HugePages"/>). Default true; false keeps everything in libtorch (for
    /// comparisons).
    /// </summary>
    public bool UseCpuKernels { get; init; } = true;

    /// <summary>
    /// Quantizes the weights of every linear layer, the embedding and the output head to this block format after loading
    /// (CPU only): the float copies are freed, decoding reads the 8- or 4-bit blocks through TokenSkip's SIMD kernels and
    /// prefill multiplies dequantized tiles with libtorch's GEMM in <see cref="DType"/> (bfloat16 is the fast one on CPUs
    /// with AVX-512 BF16). Norms and biases stay in <see cref="DType"/>. Null (the default) keeps the float weights. A GGUF
    /// file's quantized tensors are used as stored whatever this says.
    /// </summary>
    public QuantizationType? Quantize { get; init; }

    /// <summary>The precision actually used.</summary>
    public torch.ScalarType ResolvedDType => DType ?? ModelDType.DefaultFor(Device);
}
