using TokenSkip.Models.Kernels;
using TokenSkip.Models.Lora;
using TokenSkip.Models.Quantization;
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

    /// <summary>The weight, shape [out, in]; an empty placeholder (not a parameter of the module) once <see cref="IsQuantized"/>.</summary>
    public Parameter Weight { get; private set; }

    /// <summary>The weight in a block-quantized format (<see cref="ModelLoadOptions.Quantize"/>, GGUF files), or null.</summary>
    public QuantizedMatrix? QuantizedWeight { get; private set; }

    /// <summary>Whether the weight is held quantized (<see cref="QuantizedWeight"/>) instead of in <see cref="Weight"/>.</summary>
    public bool IsQuantized => QuantizedWeight is not null;

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
        var output = QuantizedWeight is { } quantized
            ? QuantizedLinear.Apply(x, quantized, Bias)
            : (UseCpuKernels ? MatrixVectorLinear.TryApply(x, Weight, Bias) : null) ?? nn.functional.linear(x, Weight, Bias);
        return Lora is { } lora ? lora.AddTo(output, x) : output;
    }

    /// <summary>Quantizes the weight to <paramref name="type"/> and frees its float copy (the bias stays as it is).</summary>
    /// <exception cref="ArgumentException">The input width is not a multiple of 32.</exception>
    /// <exception cref="InvalidOperationException">The weight is already quantized, or a LoRA update is merged into it.</exception>
    public void Quantize(QuantizationType type)
    {
        if (IsQuantized || Lora is { IsMerged: true })
        {
            throw new InvalidOperationException($"projection [{OutFeatures}, {InFeatures}] is already quantized or has a merged LoRA update");
        }

        UseQuantized(TensorQuantizer.Quantize(Weight, type));
    }

    /// <summary>Takes <paramref name="weight"/> (owned from now on) as the weight and frees the float one.</summary>
    internal void UseQuantized(QuantizedMatrix weight)
    {
        if (weight.Rows != OutFeatures || weight.Columns != InFeatures)
        {
            throw new ArgumentException($"quantized weight [{weight.Rows}, {weight.Columns}] does not fit projection [{OutFeatures}, {InFeatures}]", nameof(weight));
        }

        QuantizedWeight?.Dispose();
        QuantizedWeight = weight;
        Unregister("weight");
        var placeholder = new Parameter(empty(0, Weight.dtype, Weight.device), requires_grad: false);
        Weight.Dispose();
        Weight = placeholder;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            QuantizedWeight?.Dispose();
            if (IsQuantized)
            {
                Weight.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
