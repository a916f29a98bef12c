using TokenSkip.Core.Engine;

namespace TokenSkip.Models.Inference;

/// <summary>The checks every prompt passes before it reaches the model: not empty, ids in the vocabulary, room left to generate.</summary>
internal static class PromptCheck
{
    /// <summary>
    /// Throws <see cref="InvalidRequestException"/> (parameter <c>prompt</c>, the message naming <paramref name="name"/>)
    /// when the prompt cannot be generated from: what the caller sent is at fault, so a server answers 400.
    /// </summary>
    public static void Validate(IReadOnlyList<int> prompt, string name, int vocabulary, int context)
    {
        if (prompt.Count == 0)
        {
            throw new InvalidRequestException("prompt", $"{name} is empty");
        }

        for (var i = 0; i < prompt.Count; i++)
        {
            if (prompt[i] < 0 || prompt[i] >= vocabulary)
            {
                throw new InvalidRequestException("prompt",
                    $"{name}: token id {prompt[i]} at position {i} is outside the vocabulary (0..{vocabulary - 1})");
            }
        }

        if (prompt.Count >= context)
        {
            throw new InvalidRequestException("prompt",
                $"{name} has {prompt.Count} tokens but the model's context is {context} tokens (at least one must be left to generate)",
                "context_length_exceeded");
        }
    }
}
