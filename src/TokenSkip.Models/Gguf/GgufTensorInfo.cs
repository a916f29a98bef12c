using TokenSkip.Models.Export;

namespace TokenSkip.Models.Gguf;

/// <summary>One tensor of a <see cref="GgufFile"/>.</summary>
/// <param name="Name">The GGUF name, e.g. <c>blk.0.attn_q.weight</c>.</param>
/// <param name="Shape">PyTorch's order, outermost first (GGUF stores the dimensions innermost first).</param>
/// <param name="Type">The element type.</param>
/// <param name="Offset">The data's offset from the start of the data section.</param>
public sealed record GgufTensorInfo(string Name, long[] Shape, GgufTensorType Type, ulong Offset)
{
    /// <summary>The shape as text, e.g. <c>[896, 4864]</c>.</summary>
    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}
