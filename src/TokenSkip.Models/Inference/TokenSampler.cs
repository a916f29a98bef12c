using TokenSkip.Core.Generation;
using TorchSharp;
using static TorchSharp.torch;

namespace TokenSkip.Models.Inference;

/// <summary>
/// Picks the next token from float32 logits, applying Hugging Face's processors in their order: repetition penalty,
/// temperature, top-k, top-p. Randomness comes from a per-sequence <see cref="Random"/>, so a seeded request
/// samples the same tokens whether it runs alone or in a batch (with any neighbours and their options).
/// </summary>
internal static class TokenSampler
{
    /// <summary>
    /// Chooses one token per row of <paramref name="logits"/> [B, vocab], each row with its own sequence's options, so
    /// requests with different sampling settings can share a decode step.
    /// </summary>
    public static int[] Sample(Tensor logits, IReadOnlyList<SequenceState> sequences)
    {
        using var scope = NewDisposeScope();
        if (sequences.Any(s => s.Options.RepetitionPenalty != 1.0))
        {
            logits = logits.clone();
            for (var row = 0; row < sequences.Count; row++)
            {
                if (sequences[row].Options.RepetitionPenalty != 1.0)
                {
                    ApplyRepetitionPenalty(logits[row], sequences[row].SeenTokens, sequences[row].Options.RepetitionPenalty);
                }
            }
        }

        // One argmax for the whole batch serves every greedy row.
        var greedy = sequences.Any(s => s.Options.IsGreedy)
            ? logits.argmax(-1).cpu().data<long>().Select(v => (int)v).ToArray()
            : null;
        var result = new int[sequences.Count];
        for (var row = 0; row < sequences.Count; row++)
        {
            var options = sequences[row].Options;
            result[row] = options.IsGreedy ? greedy![row] : SampleRow(logits[row], options, sequences[row].Random);
        }

        return result;
    }

    private static void ApplyRepetitionPenalty(Tensor row, IReadOnlyCollection<int> seen, double penalty)
    {
        if (seen.Count == 0)
        {
            return;
        }

        var ids = tensor(seen.Select(i => (long)i).ToArray(), ScalarType.Int64, row.device);
        var values = row.gather(0, ids);
        var penalised = where(values < 0, values * penalty, values / penalty);
        row.scatter_(0, ids, penalised);
    }

    private static int SampleRow(Tensor row, GenerationOptions options, Random random)
    {
        var scaled = row / options.Temperature;
        Tensor values;
        Tensor? indices = null;
        if (options.TopK > 0 && options.TopK < scaled.shape[0])
        {
            (values, indices) = scaled.topk(options.TopK);
        }
        else if (options.TopP < 1.0)
        {
            (values, indices) = scaled.sort(descending: true);
        }
        else
        {
            values = scaled;
        }

        var probabilities = values.softmax(-1).cpu().data<float>().ToArray();
        var count = probabilities.Length;
        if (options.TopP < 1.0)
        {
            // Keep the smallest prefix (values are sorted) whose mass reaches top_p; always at least one token.
            double mass = 0;
            for (var i = 0; i < probabilities.Length; i++)
            {
                mass += probabilities[i];
                if (mass >= options.TopP)
                {
                    count = i + 1;
                    break;
                }
            }
        }

        var chosen = Draw(probabilities, count, random);
        return indices is null ? chosen : (int)indices[chosen].item<long>();
    }

    private static int Draw(float[] probabilities, int count, Random random)
    {
        double total = 0;
        for (var i = 0; i < count; i++)
        {
            total += probabilities[i];
        }

        var target = random.NextDouble() * total;
        double cumulative = 0;
        for (var i = 0; i < count; i++)
        {
            cumulative += probabilities[i];
            if (target < cumulative)
            {
                return i;
            }
        }

        return count - 1;
    }
}
