using TokenSkip.Models.Transformer;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TokenSkip.Models.Encoders;

/// <summary>A lookup table registered as <c>weight</c> [rows, width].</summary>
internal sealed class EmbeddingTable : NamedModule
{
    public EmbeddingTable(int rows, int width, ScalarType dtype, Device device) : base("Embedding")
    {
        Weight = new Parameter(empty([rows, width], dtype, device), requires_grad: false);
        register_parameter("weight", Weight);
    }

    public Parameter Weight { get; }

    /// <summary>Rows of <paramref name="ids"/> [B, T] as [B, T, width].</summary>
    public Tensor Lookup(Tensor ids) => Weight.index_select(0, ids.flatten()).view(ids.shape[0], ids.shape[1], -1);
}
