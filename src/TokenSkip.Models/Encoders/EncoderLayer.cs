using TokenSkip.Models.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace TokenSkip.Models.Encoders;

/// <summary>
/// <c>encoder.layer.N.*</c>: <c>attention</c> (<c>self</c> + <c>output</c>), <c>intermediate.dense</c> with exact GELU,
/// and <c>output</c>.
/// </summary>
internal sealed class EncoderLayer : NamedModule
{
    public EncoderLayer(EncoderConfig config, ScalarType dtype, Device device) : base(nameof(EncoderLayer))
    {
        SelfAttention = new EncoderSelfAttention(config, dtype, device);
        AttentionOutput = new AddAndNorm(config.HiddenSize, config, dtype, device);
        Intermediate = new Projection(config.HiddenSize, config.IntermediateSize, hasBias: true, dtype, device);
        Output = new AddAndNorm(config.IntermediateSize, config, dtype, device);

        var attention = new ModuleHolder("Attention");
        attention.Add("self", SelfAttention);
        attention.Add("output", AttentionOutput);
        var intermediate = new ModuleHolder("Intermediate");
        intermediate.Add("dense", Intermediate);
        register_module("attention", attention);
        register_module("intermediate", intermediate);
        register_module("output", Output);
    }

    public EncoderSelfAttention SelfAttention { get; }

    public AddAndNorm AttentionOutput { get; }

    public Projection Intermediate { get; }

    public AddAndNorm Output { get; }

    public Tensor Forward(Tensor x, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var attended = AttentionOutput.Forward(SelfAttention.Forward(x, mask), x);
        var expanded = nn.functional.gelu(Intermediate.Forward(attended));
        return Output.Forward(expanded, attended).MoveToOuterDisposeScope();
    }
}
