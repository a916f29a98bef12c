using TokenSkip.Models.Kernels;
using TokenSkip.Models.Lora;
using TokenSkip.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TokenSkip.Models.Transformer;

/// <summary>
/// A linear layer <c>y = x Wᵀ + b</c> with Hugging Face's parameter names (<c>weight</c> [out, in], optional
/// <c>bias</c>). Weights are created uninitialised; they are filled from a checkpoint or by <see cref="CausalLanguageModel.InitializeRandom"/>.
/// </summary>
public sealed class Projection : NamedModule
{
    /// <summary>Creates a projection from <paramref name="inFeatures"/> to <paramref name="outFeatures"/>.</summary>
    public Projection(int inFeatures, int outFeatures, bool hasBias, ScalarType dtype, Device device) : base(nameof(Projection))
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = new Parameter(empty([outFeatures, inFeatures], dtype, device), requires_grad: false);
        register_parameter("weight", Weight);
        if (hasBias)
        {
            Bias = new Parameter(zeros(outFeatures, dtype, device), requires_grad: false);
            register_parameter("bias", Bias);
        }
    }

    /// <summary>Input width.</summary>
    public int InFeatures { get; }

    /// <summary>Output width.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight, shape [out, in].</summary>
    public Parameter Weight { get; }

    /// <summary>The bias, shape [out], or null.</summary>
    public Parameter? Bias { get; }

    /// <summary>
    /// The LoRA update attached by a <see cref="LoraAdapter"/>, or null. While attached and not merged its low-rank
    /// term is added to every output, whichever path computed the base product.
    /// </summary>
    internal LoraLayer? Lora { get; set; }

    /// <summary>
    /// Whether a CPU input of at most <see cref="MatrixVectorLinear.MaxRows"/> rows goes through the SIMD
    /// matrix-vector kernel (<see cref="ModelLoadOptions.UseCpuKernels"/>); libtorch handles everything else.
    /// </summary>
    public bool UseCpuKernels { get; internal set; } = true;

    /// <summary>Applies the projection to the last dimension of <paramref name="x"/>.</summary>
    public Tensor Forward(Tensor x)
    {
        var output = (UseCpuKernels ? MatrixVectorLinear.TryApply(x, Weight, Bias) : null) ?? nn.functional.linear(x, Weight, Bias);
        return Lora is { } lora ? lora.AddTo(output, x) : output;
    }
}
