using TorchSharp;

namespace TokenSkip.Models.Checkpoints;

/// <summary>One tensor described by a safetensors header.</summary>
/// <param name="Name">The tensor's key.</param>
/// <param name="DType">The safetensors dtype name ("F32", "BF16", ...).</param>
/// <param name="Shape">The tensor's shape.</param>
/// <param name="Begin">Byte offset of the data, relative to the end of the header.</param>
/// <param name="End">Byte offset one past the data, relative to the end of the header.</param>
/// <param name="FilePath">The file holding the tensor.</param>
public sealed record SafeTensorEntry(string Name, string DType, long[] Shape, long Begin, long End, string FilePath)
{
    /// <summary>The TorchSharp element type.</summary>
    public torch.ScalarType ScalarType =>
        SafeTensorDType.TryParse(DType, out var type, out _) ? type : throw new InvalidOperationException(DType);

    /// <summary>The number of elements (1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The shape as "[a, b]".</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
