using TokenSkip.Core.Generation;
using static TorchSharp.torch;

namespace TokenSkip.Models.Inference;

/// <summary>
/// Turns logits into <see cref="TokenLogprob"/>s: log-softmax of the raw logits (no temperature, no penalties), the
/// target token's value and the most likely alternatives, computed on the model's device and copied back once.
/// </summary>
internal static class LogprobPicker
{
    /// <summary>One entry per row of <paramref name="logits"/> [rows, vocab]: <paramref name="targets"/>[row]'s log-probability and the <paramref name="top"/> most likely tokens.</summary>
    public static TokenLogprob[] Pick(Tensor logits, IReadOnlyList<int> targets, int top)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(targets.Count, (int)logits.shape[0], nameof(targets));
        if (targets.Count == 0)
        {
            return [];
        }

        using var scope = NewDisposeScope();
        var normaliser = logits.logsumexp(1, keepdim: true);
        var ids = tensor(targets.Select(t => (long)t).ToArray(), ScalarType.Int64, logits.device).unsqueeze(1);
        var chosen = (logits.gather(1, ids) - normaliser).squeeze(1).cpu().data<float>().ToArray();
        var count = (int)Math.Min(top, logits.shape[1]);
        float[] topValues = [];
        long[] topIds = [];
        if (count > 0)
        {
            var (values, indices) = logits.topk(count, dim: 1);
            topValues = (values - normaliser).cpu().contiguous().data<float>().ToArray();
            topIds = indices.cpu().contiguous().data<long>().ToArray();
        }

        var result = new TokenLogprob[targets.Count];
        for (var row = 0; row < targets.Count; row++)
        {
            var alternatives = new TokenAlternative[count];
            for (var k = 0; k < count; k++)
            {
                alternatives[k] = new TokenAlternative((int)topIds[(row * count) + k], topValues[(row * count) + k]);
            }

            result[row] = new TokenLogprob(targets[row], chosen[row], alternatives);
        }

        return result;
    }
}
