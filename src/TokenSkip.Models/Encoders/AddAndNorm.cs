using TokenSkip.Models.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace TokenSkip.Models.Encoders;

/// <summary>
/// <c>attention.output.*</c> and <c>output.*</c>: a <c>dense</c> projection, the residual added, then <c>LayerNorm</c>
/// (post-norm, as in BERT).
/// </summary>
internal sealed class AddAndNorm : NamedModule
{
    public AddAndNorm(int inFeatures, EncoderConfig config, ScalarType dtype, Device device) : base(nameof(AddAndNorm))
    {
        Dense = new Projection(inFeatures, config.HiddenSize, hasBias: true, dtype, device);
        Norm = new LayerNorm(config.HiddenSize, config.LayerNormEpsilon, dtype, device);
        register_module("dense", Dense);
        register_module("LayerNorm", Norm);
    }

    public Projection Dense { get; }

    public LayerNorm Norm { get; }

    public Tensor Forward(Tensor x, Tensor residual)
    {
        using var scope = NewDisposeScope();
        return Norm.Forward(Dense.Forward(x) + residual).MoveToOuterDisposeScope();
    }
}
