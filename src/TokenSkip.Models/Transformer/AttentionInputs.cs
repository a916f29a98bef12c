using TokenSkip.Models.Inference;
using static TorchSharp.torch;

namespace TokenSkip.Models.Transformer;

/// <summary>
/// What every attention layer of one forward pass shares: rotary cos/sin for the new tokens, the additive mask,
/// and where keys/values come from (no cache, one cache row from <c>Start</c>, or one token for each of several rows).
/// </summary>
internal sealed class AttentionInputs
{
    public required Tensor Cos { get; init; }

    public required Tensor Sin { get; init; }

    /// <summary>Additive mask broadcastable to [B, kvHeads, groups, T, keys], or null when nothing is masked.</summary>
    public Tensor? Mask { get; init; }

    public KvCache? Cache { get; init; }

    /// <summary>Sequence mode: the cache row and the position of the first new token.</summary>
    public int Row { get; init; }

    public int Start { get; init; }

    /// <summary>Decode mode: the rows and their positions (one new token each).</summary>
    public DecodeRows? Step { get; init; }

    /// <summary>Decode mode: how many cached positions attention reads (max position + 1).</summary>
    public int Span { get; init; }
}
