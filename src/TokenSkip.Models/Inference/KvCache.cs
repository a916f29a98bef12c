using TokenSkip.Models.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace TokenSkip.Models.Inference;

/// <summary>
/// A preallocated key/value cache: per layer, keys and values of shape [rows, kvHeads, capacity, headDim].
/// Each row is one sequence; rows advance independently, so a batch may hold sequences of different lengths.
/// New entries are written in place (<c>narrow().copy_()</c> or <c>index_put_</c>); nothing is reallocated while decoding.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;

    /// <summary>Allocates a cache for <paramref name="rows"/> sequences of up to <paramref name="capacity"/> tokens.</summary>
    public KvCache(TransformerConfig config, int rows, int capacity, ScalarType dtype, Device device)
    {
        if (rows < 1 || capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), $"a cache needs at least one row and one position (rows {rows}, capacity {capacity})");
        }

        Rows = rows;
        Capacity = capacity;
        _keys = new Tensor[config.LayerCount];
        _values = new Tensor[config.LayerCount];
        for (var layer = 0; layer < config.LayerCount; layer++)
        {
            _keys[layer] = zeros([rows, config.KeyValueHeadCount, capacity, config.HeadDim], dtype, device);
            _values[layer] = zeros([rows, config.KeyValueHeadCount, capacity, config.HeadDim], dtype, device);
        }

        Lengths = new int[rows];
    }

    /// <summary>Number of sequences the cache holds.</summary>
    public int Rows { get; }

    /// <summary>Maximum tokens per sequence.</summary>
    public int Capacity { get; }

    /// <summary>Tokens currently cached per row; callers advance it after each forward pass.</summary>
    public int[] Lengths { get; }

    /// <summary>Bytes held by the cache.</summary>
    public long SizeInBytes => _keys.Sum(k => k.NumberOfElements * k.ElementSize) * 2;

    /// <summary>Forgets the contents of <paramref name="row"/> (its slot can take a new sequence).</summary>
    public void Reset(int row) => Lengths[row] = 0;

    /// <summary>Writes <paramref name="key"/>/<paramref name="value"/> [1, kvHeads, T, headDim] of one row at <paramref name="start"/> and returns that row's cached keys/values up to start+T.</summary>
    internal (Tensor Keys, Tensor Values) AppendSequence(int layer, int row, int start, Tensor key, Tensor value)
    {
        var length = (int)key.shape[2];
        if (start + length > Capacity)
        {
            throw new InvalidOperationException($"KV cache row {row} is full ({Capacity} tokens)");
        }

        var rowKeys = _keys[layer].narrow(0, row, 1);
        var rowValues = _values[layer].narrow(0, row, 1);
        rowKeys.narrow(2, start, length).copy_(key);
        rowValues.narrow(2, start, length).copy_(value);
        return (rowKeys.narrow(2, 0, start + length), rowValues.narrow(2, 0, start + length));
    }

    /// <summary>
    /// Writes one token per row (<paramref name="key"/> [B, kvHeads, 1, headDim]) at each row's position and returns the
    /// keys/values of those rows up to <paramref name="span"/> positions.
    /// </summary>
    internal (Tensor Keys, Tensor Values) AppendStep(int layer, DecodeRows rows, Tensor key, Tensor value, int span)
    {
        var keys = _keys[layer];
        var values = _values[layer];
        if (rows.IsContiguousRange && rows.SamePosition)
        {
            var keyRows = keys.narrow(0, rows.First, rows.Count);
            var valueRows = values.narrow(0, rows.First, rows.Count);
            keyRows.narrow(2, rows.Positions[0], 1).copy_(key);
            valueRows.narrow(2, rows.Positions[0], 1).copy_(value);
            return (keyRows.narrow(2, 0, span), valueRows.narrow(2, 0, span));
        }

        // Advanced indexing: cache[row_b, :, pos_b, :] = key[b, :, 0, :]
        var index = new[] { TensorIndex.Tensor(rows.RowTensor), TensorIndex.Colon, TensorIndex.Tensor(rows.PositionTensor), TensorIndex.Colon };
        keys.index_put_(key.squeeze(2), index);
        values.index_put_(value.squeeze(2), index);
        if (rows.IsContiguousRange)
        {
            return (keys.narrow(0, rows.First, rows.Count).narrow(2, 0, span), values.narrow(0, rows.First, rows.Count).narrow(2, 0, span));
        }

        return (keys.narrow(2, 0, span).index_select(0, rows.RowTensor), values.narrow(2, 0, span).index_select(0, rows.RowTensor));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _keys.Concat(_values))
        {
            t.Dispose();
        }
    }
}
