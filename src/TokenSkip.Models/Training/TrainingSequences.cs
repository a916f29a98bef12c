namespace TokenSkip.Models.Training;

/// <summary>Turns examples into the rows the trainer batches: one per example (padding) or packed (packing).</summary>
internal static class TrainingSequences
{
    /// <summary>
    /// Builds the rows. Examples longer than <paramref name="maxLength"/> keep their prompt and lose the end of their
    /// completion; examples left with no target (an over-long prompt, an empty completion) are dropped and counted.
    /// </summary>
    public static (List<TrainingSequence> Rows, int Dropped) Build(IReadOnlyList<TrainingExample> examples, int maxLength, BatchingMode mode)
    {
        var singles = new List<TrainingSequence>(examples.Count);
        var dropped = 0;
        foreach (var example in examples)
        {
            var sequence = Truncate(example, maxLength);
            if (sequence.TargetCount == 0)
            {
                dropped++;
                continue;
            }

            singles.Add(sequence);
        }

        return (mode == BatchingMode.Packing ? Pack(singles, maxLength) : singles, dropped);
    }

    /// <summary>A stable fingerprint of the rows (FNV-1a over ids and labels), so a resumed run can check it sees the same data.</summary>
    public static string Fingerprint(IReadOnlyList<TrainingSequence> rows)
    {
        var hash = 14695981039346656037UL;
        void Add(int value)
        {
            hash = (hash ^ (uint)value) * 1099511628211UL;
        }

        foreach (var row in rows)
        {
            Add(row.Length);
            foreach (var id in row.Ids)
            {
                Add((int)id);
            }

            foreach (var label in row.Labels)
            {
                Add((int)label);
            }
        }

        return hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static TrainingSequence Truncate(TrainingExample example, int maxLength)
    {
        var length = Math.Min(example.Length, maxLength);
        var prompt = Math.Min(example.PromptIds.Length, length);
        var ids = example.PromptIds.Take(prompt).Concat(example.CompletionIds.Take(length - prompt)).Select(i => (long)i).ToArray();
        var labels = new long[length];
        labels.AsSpan(0, prompt).Fill(TrainingSequence.Ignored);
        ids.AsSpan(prompt).CopyTo(labels.AsSpan(prompt));
        return new TrainingSequence(ids, labels);
    }

    // Greedy, in order: a sequence that does not fit the current row starts the next one.
    private static List<TrainingSequence> Pack(List<TrainingSequence> sequences, int maxLength)
    {
        var rows = new List<TrainingSequence>();
        var current = new List<TrainingSequence>();
        var length = 0;
        foreach (var sequence in sequences)
        {
            if (length + sequence.Length > maxLength && current.Count > 0)
            {
                rows.Add(Concatenate(current));
                current.Clear();
                length = 0;
            }

            current.Add(sequence);
            length += sequence.Length;
        }

        if (current.Count > 0)
        {
            rows.Add(Concatenate(current));
        }

        return rows;
    }

    private static TrainingSequence Concatenate(List<TrainingSequence> parts) =>
        parts.Count == 1 ? parts[0] : new TrainingSequence(parts.SelectMany(p => p.Ids).ToArray(), parts.SelectMany(p => p.Labels).ToArray());
}
