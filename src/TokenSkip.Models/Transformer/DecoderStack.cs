using TokenSkip.Models.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TokenSkip.Models.Transformer;

/// <summary>The decoder body (Hugging Face's <c>model.*</c>): token embedding, the layers and the final norm.</summary>
public sealed class DecoderStack : NamedModule
{
    /// <summary>Creates the body (uninitialised).</summary>
    public DecoderStack(TransformerConfig config, ScalarType dtype, Device device) : base(nameof(DecoderStack))
    {
        EmbeddingWeight = new Parameter(empty([config.VocabularySize, config.HiddenSize], dtype, device), requires_grad: false);
        Layers = new ModuleList<DecoderLayer>(
            Enumerable.Range(0, config.LayerCount).Select(i => new DecoderLayer(config, i, dtype, device)).ToArray());
        Norm = new RmsNorm(config.HiddenSize, config.RmsNormEpsilon, dtype, device);

        // Submodules are registered under Hugging Face's names so state-dict keys match checkpoints.
        var embedding = new EmbeddingHolder(EmbeddingWeight);
        register_module("embed_tokens", embedding);
        register_module("layers", Layers);
        register_module("norm", Norm);
    }

    /// <summary><c>embed_tokens.weight</c>, shape [vocab, hidden].</summary>
    public Parameter EmbeddingWeight { get; }

    /// <summary>The decoder layers.</summary>
    public ModuleList<DecoderLayer> Layers { get; }

    /// <summary>The final <c>norm</c>.</summary>
    public RmsNorm Norm { get; }

    internal Tensor Forward(Tensor inputIds, AttentionInputs inputs)
    {
        using var scope = NewDisposeScope();
        var hidden = EmbeddingWeight.index_select(0, inputIds.flatten()).view(inputIds.shape[0], inputIds.shape[1], -1);
        foreach (var layer in Layers)
        {
            hidden = layer.Forward(hidden, inputs);
        }

        return Norm.Forward(hidden).MoveToOuterDisposeScope();
    }

    /// <summary>Holds the embedding matrix under the parameter name <c>weight</c>.</summary>
    private sealed class EmbeddingHolder : NamedModule
    {
        public EmbeddingHolder(Parameter weight) : base("Embedding") => register_parameter("weight", weight);
    }
}
