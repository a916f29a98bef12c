namespace TokenSkip.Models.Inference;

/// <summary>The checks every prompt passes before it reaches the model: not empty, ids in the vocabulary, room left to generate.</summary>
internal static class PromptCheck
{
    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="name"/> when the prompt cannot be generated from.</summary>
    public static void Validate(IReadOnlyList<int> prompt, string name, int vocabulary, int context)
    {
        if (prompt.Count == 0)
        {
            throw new ArgumentException($"{name} is empty", nameof(prompt));
        }

        for (var i = 0; i < prompt.Count; i++)
        {
            if (prompt[i] < 0 || prompt[i] >= vocabulary)
            {
                throw new ArgumentException(
                    $"{name}: token id {prompt[i]} at position {i} is outside the vocabulary (0..{vocabulary - 1})", nameof(prompt));
            }
        }

        if (prompt.Count >= context)
        {
            throw new ArgumentException(
                $"{name} has {prompt.Count} tokens but the model's context is {context} tokens (at least one must be left to generate)", nameof(prompt));
        }
    }
}
