using static TorchSharp.torch;

namespace TokenSkip.Models.Inference;

/// <summary>The cache rows taking part in one decode step and the position each writes to.</summary>
internal sealed class DecodeRows : IDisposable
{
    public DecodeRows(int[] rows, int[] positions, Device device)
    {
        Rows = rows;
        Positions = positions;
        First = rows[0];
        IsContiguousRange = rows.Select((r, i) => r == First + i).All(x => x);
        SamePosition = positions.All(p => p == positions[0]);
        MaxPosition = positions.Max();
        RowTensor = tensor(rows.Select(r => (long)r).ToArray(), ScalarType.Int64, device);
        PositionTensor = tensor(positions.Select(p => (long)p).ToArray(), ScalarType.Int64, device);
    }

    public int[] Rows { get; }

    public int[] Positions { get; }

    public int Count => Rows.Length;

    public int First { get; }

    public bool IsContiguousRange { get; }

    public bool SamePosition { get; }

    public int MaxPosition { get; }

    public Tensor RowTensor { get; }

    public Tensor PositionTensor { get; }

    public void Dispose()
    {
        RowTensor.Dispose();
        PositionTensor.Dispose();
    }
}
