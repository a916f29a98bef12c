using TokenSkip.Models.Configuration;
using TokenSkip.Models.Kernels;
using TokenSkip.Models.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace TokenSkip.Models.Transformer;

/// <summary>
/// Grouped-query self-attention with rotary embeddings. Query heads are grouped by the key/value head they share
/// (a [B, kvHeads, groups·T, headDim] view), so keys and values are never repeated in memory.
/// </summary>
public sealed class SelfAttention : NamedModule
{
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;
    private readonly int _layer;
    private readonly double _scale;

    /// <summary>Creates the layer's projections (uninitialised).</summary>
    public SelfAttention(TransformerConfig config, int layer, ScalarType dtype, Device device) : base(nameof(SelfAttention))
    {
        _heads = config.HeadCount;
        _kvHeads = config.KeyValueHeadCount;
        _headDim = config.HeadDim;
        _layer = layer;
        _scale = 1.0 / Math.Sqrt(_headDim);
        var qkvBias = config.AttentionBias;
        var outputBias = config.Architecture == ModelArchitecture.Llama && config.AttentionBias;
        QueryProjection = new Projection(config.HiddenSize, _heads * _headDim, qkvBias, dtype, device);
        KeyProjection = new Projection(config.HiddenSize, _kvHeads * _headDim, qkvBias, dtype, device);
        ValueProjection = new Projection(config.HiddenSize, _kvHeads * _headDim, qkvBias, dtype, device);
        OutputProjection = new Projection(_heads * _headDim, config.HiddenSize, outputBias, dtype, device);
        register_module("q_proj", QueryProjection);
        register_module("k_proj", KeyProjection);
        register_module("v_proj", ValueProjection);
        register_module("o_proj", OutputProjection);
    }

    /// <summary><c>q_proj</c>.</summary>
    public Projection QueryProjection { get; }

    /// <summary><c>k_proj</c>.</summary>
    public Projection KeyProjection { get; }

    /// <summary><c>v_proj</c>.</summary>
    public Projection ValueProjection { get; }

    /// <summary><c>o_proj</c>.</summary>
    public Projection OutputProjection { get; }

    /// <summary>Whether decode-step rotary embeddings on the CPU go through <see cref="RotaryKernel"/> (<see cref="ModelLoadOptions.UseCpuKernels"/>).</summary>
    public bool UseCpuKernels { get; internal set; } = true;

    internal Tensor Forward(Tensor x, AttentionInputs inputs)
    {
        using var scope = NewDisposeScope();
        var batch = x.shape[0];
        var length = x.shape[1];
        var groups = _heads / _kvHeads;

        var q = QueryProjection.Forward(x).view(batch, length, _heads, _headDim).transpose(1, 2);
        var k = KeyProjection.Forward(x).view(batch, length, _kvHeads, _headDim).transpose(1, 2);
        var v = ValueProjection.Forward(x).view(batch, length, _kvHeads, _headDim).transpose(1, 2);
        q = Rotate(q, inputs);
        k = Rotate(k, inputs);

        var (keys, values) = inputs.Cache switch
        {
            null => (k, v),
            { } cache when inputs.Step is { } step => cache.AppendStep(_layer, step, k, v, inputs.Span),
            { } cache => cache.AppendSequence(_layer, inputs.Row, inputs.Start, k, v),
        };

        // [B, heads, T, d] -> [B, kvHeads, groups*T, d]: query heads sharing a kv head are adjacent.
        var grouped = (q * _scale).reshape(batch, _kvHeads, groups * length, _headDim);
        var scores = matmul(grouped, keys.transpose(2, 3));
        if (inputs.Mask is { } mask)
        {
            var keyCount = keys.shape[2];
            scores = scores.view(batch, _kvHeads, groups, length, keyCount).add(mask, Scalars.One).view(batch, _kvHeads, groups * length, keyCount);
        }

        var probabilities = scores.dtype == ScalarType.Float32
            ? scores.softmax(-1)
            : scores.to_type(ScalarType.Float32).softmax(-1).to_type(scores.dtype);
        var context = matmul(probabilities, values)
            .view(batch, _heads, length, _headDim)
            .transpose(1, 2)
            .reshape(batch, length, _heads * _headDim);
        return OutputProjection.Forward(context).MoveToOuterDisposeScope();
    }

    private Tensor Rotate(Tensor x, AttentionInputs inputs) =>
        (UseCpuKernels ? RotaryKernel.TryApply(x, inputs.Cos, inputs.Sin) : null) ?? RotaryEmbedding.Apply(x, inputs.Cos, inputs.Sin);
}
