using TokenSkip.Models.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace TokenSkip.Models.Encoders;

/// <summary><c>attention.self.*</c>: bidirectional multi-head attention with <c>query</c>, <c>key</c>, <c>value</c> projections.</summary>
internal sealed class EncoderSelfAttention : NamedModule
{
    private readonly int _heads;
    private readonly int _headDim;

    public EncoderSelfAttention(EncoderConfig config, ScalarType dtype, Device device) : base(nameof(EncoderSelfAttention))
    {
        _heads = config.HeadCount;
        _headDim = config.HiddenSize / config.HeadCount;
        Query = new Projection(config.HiddenSize, config.HiddenSize, hasBias: true, dtype, device);
        Key = new Projection(config.HiddenSize, config.HiddenSize, hasBias: true, dtype, device);
        Value = new Projection(config.HiddenSize, config.HiddenSize, hasBias: true, dtype, device);
        register_module("query", Query);
        register_module("key", Key);
        register_module("value", Value);
    }

    public Projection Query { get; }

    public Projection Key { get; }

    public Projection Value { get; }

    /// <summary>Attends over <paramref name="x"/> [B, T, H]; <paramref name="mask"/> [B, 1, 1, T] is added to the scores.</summary>
    public Tensor Forward(Tensor x, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var batch = x.shape[0];
        var length = x.shape[1];
        Tensor Heads(Tensor t) => t.view(batch, length, _heads, _headDim).transpose(1, 2);

        // Shapes are fixed by construction ([B, h, T, d] · [B, h, d, T]); matmul is safe here.
        var q = Heads(Query.Forward(x));
        var k = Heads(Key.Forward(x));
        var v = Heads(Value.Forward(x));
        var scores = (matmul(q, k.transpose(2, 3)) / Math.Sqrt(_headDim)) + mask;
        var probabilities = scores.dtype == ScalarType.Float32
            ? scores.softmax(-1)
            : scores.to_type(ScalarType.Float32).softmax(-1).to_type(scores.dtype);
        var context = matmul(probabilities, v).transpose(1, 2).reshape(batch, length, _heads * _headDim);
        return context.MoveToOuterDisposeScope();
    }
}
