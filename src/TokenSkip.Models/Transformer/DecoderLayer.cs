using TokenSkip.Models.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace TokenSkip.Models.Transformer;

/// <summary>One pre-norm decoder block: attention and MLP, each with a residual connection.</summary>
public sealed class DecoderLayer : NamedModule
{
    /// <summary>Creates layer <paramref name="index"/> (uninitialised).</summary>
    public DecoderLayer(TransformerConfig config, int index, ScalarType dtype, Device device) : base(nameof(DecoderLayer))
    {
        InputNorm = new RmsNorm(config.HiddenSize, config.RmsNormEpsilon, dtype, device);
        Attention = new SelfAttention(config, index, dtype, device);
        PostAttentionNorm = new RmsNorm(config.HiddenSize, config.RmsNormEpsilon, dtype, device);
        FeedForward = new GatedFeedForward(config, dtype, device);
        register_module("input_layernorm", InputNorm);
        register_module("self_attn", Attention);
        register_module("post_attention_layernorm", PostAttentionNorm);
        register_module("mlp", FeedForward);
    }

    /// <summary><c>input_layernorm</c>.</summary>
    public RmsNorm InputNorm { get; }

    /// <summary><c>self_attn</c>.</summary>
    public SelfAttention Attention { get; }

    /// <summary><c>post_attention_layernorm</c>.</summary>
    public RmsNorm PostAttentionNorm { get; }

    /// <summary><c>mlp</c>.</summary>
    public GatedFeedForward FeedForward { get; }

    internal Tensor Forward(Tensor x, AttentionInputs inputs)
    {
        using var scope = NewDisposeScope();
        var hidden = x.add(Attention.Forward(InputNorm.Forward(x), inputs), Scalars.One);
        return hidden.add(FeedForward.Forward(PostAttentionNorm.Forward(hidden)), Scalars.One).MoveToOuterDisposeScope();
    }
}
