using TokenSkip.Models.Transformer;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TokenSkip.Models.Encoders;

/// <summary>Layer normalisation with a learned scale (<c>weight</c>) and shift (<c>bias</c>).</summary>
internal sealed class LayerNorm : NamedModule
{
    private readonly long[] _shape;
    private readonly double _epsilon;

    public LayerNorm(int size, double epsilon, ScalarType dtype, Device device) : base(nameof(LayerNorm))
    {
        _shape = [size];
        _epsilon = epsilon;
        Weight = new Parameter(ones(size, dtype, device), requires_grad: false);
        Bias = new Parameter(zeros(size, dtype, device), requires_grad: false);
        register_parameter("weight", Weight);
        register_parameter("bias", Bias);
    }

    public Parameter Weight { get; }

    public Parameter Bias { get; }

    public Tensor Forward(Tensor x) => nn.functional.layer_norm(x, _shape, Weight, Bias, _epsilon);
}
