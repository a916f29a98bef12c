using TokenSkip.Models.Configuration;
using TokenSkip.Models.Quantization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TokenSkip.Models.Transformer;

/// <summary>The decoder body (Hugging Face's <c>model.*</c>): token embedding, the layers and the final norm.</summary>
public sealed class DecoderStack : NamedModule
{
    private readonly EmbeddingHolder _embedding;
    private readonly TransformerConfig _config;

    /// <summary>Creates the body (uninitialised).</summary>
    public DecoderStack(TransformerConfig config, ScalarType dtype, Device device) : base(nameof(DecoderStack))
    {
        _config = config;
        EmbeddingWeight = new Parameter(empty([config.VocabularySize, config.HiddenSize], dtype, device), requires_grad: false);
        Layers = new ModuleList<DecoderLayer>(
            Enumerable.Range(0, config.LayerCount).Select(i => new DecoderLayer(config, i, dtype, device)).ToArray());
        Norm = new RmsNorm(config.HiddenSize, config.RmsNormEpsilon, dtype, device);

        // Submodules are registered under Hugging Face's names so state-dict keys match checkpoints.
        _embedding = new EmbeddingHolder(EmbeddingWeight);
        register_module("embed_tokens", _embedding);
        register_module("layers", Layers);
        register_module("norm", Norm);
    }

    /// <summary><c>embed_tokens.weight</c>, shape [vocab, hidden]; an empty placeholder once <see cref="QuantizedEmbedding"/> is set.</summary>
    public Parameter EmbeddingWeight { get; private set; }

    /// <summary>The embedding (and tied output head) in a block-quantized format, or null.</summary>
    public QuantizedMatrix? QuantizedEmbedding { get; private set; }

    /// <summary>The decoder layers.</summary>
    public ModuleList<DecoderLayer> Layers { get; }

    /// <summary>The final <c>norm</c>.</summary>
    public RmsNorm Norm { get; }

    internal Tensor Forward(Tensor inputIds, AttentionInputs inputs)
    {
        using var scope = NewDisposeScope();
        var hidden = QuantizedEmbedding is { } quantized
            ? QuantizedLinear.Rows(quantized, inputIds, Norm.Weight.dtype)
            : EmbeddingWeight.index_select(0, inputIds.flatten()).view(inputIds.shape[0], inputIds.shape[1], -1);
        foreach (var layer in Layers)
        {
            hidden = layer.Forward(hidden, inputs);
        }

        return Norm.Forward(hidden).MoveToOuterDisposeScope();
    }

    /// <summary>Quantizes the embedding to <paramref name="type"/> and frees its float copy.</summary>
    public void QuantizeEmbedding(QuantizationType type) => UseQuantizedEmbedding(TensorQuantizer.Quantize(EmbeddingWeight, type));

    /// <summary>Takes <paramref name="embedding"/> (owned from now on) as the embedding and frees the float one.</summary>
    internal void UseQuantizedEmbedding(QuantizedMatrix embedding)
    {
        if (embedding.Rows != _config.VocabularySize || embedding.Columns != _config.HiddenSize)
        {
            throw new ArgumentException($"quantized embedding [{embedding.Rows}, {embedding.Columns}] does not fit the model", nameof(embedding));
        }

        QuantizedEmbedding?.Dispose();
        QuantizedEmbedding = embedding;
        _embedding.Release();
        var placeholder = new Parameter(empty(0, EmbeddingWeight.dtype, EmbeddingWeight.device), requires_grad: false);
        EmbeddingWeight.Dispose();
        EmbeddingWeight = placeholder;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && QuantizedEmbedding is not null)
        {
            QuantizedEmbedding.Dispose();
            EmbeddingWeight.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Holds the embedding matrix under the parameter name <c>weight</c>.</summary>
    private sealed class EmbeddingHolder : NamedModule
    {
        public EmbeddingHolder(Parameter weight) : base("Embedding") => register_parameter("weight", weight);

        public void Release() => Unregister("weight");
    }
}
