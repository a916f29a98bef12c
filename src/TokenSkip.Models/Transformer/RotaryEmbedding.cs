using TokenSkip.Models.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace TokenSkip.Models.Transformer;

/// <summary>
/// Rotary position embeddings (rotate-half convention). Cos/sin tables are computed in float32 exactly as
/// Hugging Face does (inverse frequencies, optional rope scaling, outer product with positions), grown on demand
/// up to the context length, and cast to the model's dtype.
/// </summary>
public sealed class RotaryEmbedding : IDisposable
{
    private readonly float[] _inverseFrequencies;
    private readonly int _maxPositions;
    private readonly ScalarType _dtype;
    private readonly Device _device;
    private Tensor? _cos;
    private Tensor? _sin;

    /// <summary>Creates the embedding for <paramref name="config"/>.</summary>
    public RotaryEmbedding(TransformerConfig config, ScalarType dtype, Device device)
    {
        var half = config.HeadDim / 2;
        _inverseFrequencies = new float[half];
        for (var i = 0; i < half; i++)
        {
            // float32 like HF: 1 / theta^(2i/d)
            _inverseFrequencies[i] = (float)(1.0 / Math.Pow(config.RopeTheta, (float)(2 * i) / config.HeadDim));
        }

        config.RopeScaling?.Apply(_inverseFrequencies);
        _maxPositions = config.MaxPositions;
        _dtype = dtype;
        _device = device;
    }

    /// <summary>The inverse frequencies after scaling (for tests and diagnostics).</summary>
    public IReadOnlyList<float> InverseFrequencies => _inverseFrequencies;

    /// <summary>Cos and sin for positions [start, start+length), shaped [1, 1, length, headDim].</summary>
    public (Tensor Cos, Tensor Sin) Range(int start, int length)
    {
        EnsureCapacity(start + length);
        return (_cos!.narrow(0, start, length).unsqueeze(0).unsqueeze(0), _sin!.narrow(0, start, length).unsqueeze(0).unsqueeze(0));
    }

    /// <summary>Cos and sin for one position per row, shaped [rows, 1, 1, headDim].</summary>
    public (Tensor Cos, Tensor Sin) AtPositions(Tensor positions, int maxPosition)
    {
        EnsureCapacity(maxPosition + 1);
        return (_cos!.index_select(0, positions).unsqueeze(1).unsqueeze(1), _sin!.index_select(0, positions).unsqueeze(1).unsqueeze(1));
    }

    /// <summary>Rotates <paramref name="x"/> [B, heads, T, headDim] by the given cos/sin.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var half = x.shape[^1] / 2;
        var x1 = x.narrow(-1, 0, half);
        var x2 = x.narrow(-1, half, half);
        var rotated = cat([x2.neg(), x1], -1);
        return (x * cos).add(rotated * sin, Scalars.One).MoveToOuterDisposeScope();
    }

    private void EnsureCapacity(int positions)
    {
        if (positions > _maxPositions)
        {
            throw new ArgumentOutOfRangeException(nameof(positions), positions,
                $"position {positions - 1} is beyond the model's context of {_maxPositions} tokens");
        }

        if (_cos is not null && _cos.shape[0] >= positions)
        {
            return;
        }

        // Grow geometrically so long generations rebuild the table O(log n) times.
        var size = Math.Min(_maxPositions, Math.Max(positions, Math.Max(256, (int)(_cos?.shape[0] ?? 0) * 2)));
        using var scope = NewDisposeScope();
        var inv = tensor(_inverseFrequencies, ScalarType.Float32);
        var steps = arange(size, ScalarType.Float32);
        var freqs = outer(steps, inv);
        var emb = cat([freqs, freqs], -1);
        _cos?.Dispose();
        _sin?.Dispose();
        _cos = emb.cos().to(_dtype, _device).DetachFromDisposeScope();
        _sin = emb.sin().to(_dtype, _device).DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _cos?.Dispose();
        _sin?.Dispose();
    }
}
