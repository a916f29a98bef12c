using TokenSkip.Models.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace TokenSkip.Models.Transformer;

/// <summary>The SiLU-gated MLP: <c>down(silu(gate(x)) · up(x))</c>.</summary>
public sealed class GatedFeedForward : NamedModule
{
    /// <summary>Creates the MLP's projections (uninitialised).</summary>
    public GatedFeedForward(TransformerConfig config, ScalarType dtype, Device device) : base(nameof(GatedFeedForward))
    {
        GateProjection = new Projection(config.HiddenSize, config.IntermediateSize, config.MlpBias, dtype, device);
        UpProjection = new Projection(config.HiddenSize, config.IntermediateSize, config.MlpBias, dtype, device);
        DownProjection = new Projection(config.IntermediateSize, config.HiddenSize, config.MlpBias, dtype, device);
        register_module("gate_proj", GateProjection);
        register_module("up_proj", UpProjection);
        register_module("down_proj", DownProjection);
    }

    /// <summary><c>gate_proj</c>.</summary>
    public Projection GateProjection { get; }

    /// <summary><c>up_proj</c>.</summary>
    public Projection UpProjection { get; }

    /// <summary><c>down_proj</c>.</summary>
    public Projection DownProjection { get; }

    /// <summary>Applies the MLP.</summary>
    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var gated = nn.functional.silu(GateProjection.Forward(x)) * UpProjection.Forward(x);
        return DownProjection.Forward(gated).MoveToOuterDisposeScope();
    }
}
