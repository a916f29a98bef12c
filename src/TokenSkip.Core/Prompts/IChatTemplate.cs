namespace TokenSkip.Core.Prompts;

/// <summary>A model family's chat format: renders turns into the exact text the model was trained on.</summary>
public interface IChatTemplate
{
    /// <summary>The family this template belongs to.</summary>
    ModelFamily Family { get; }

    /// <summary>
    /// The special tokens that end an assistant turn (the family's EOS ids), as token text to resolve with
    /// the tokenizer, e.g. <c>&lt;|im_end|&gt;</c> or <c>&lt;|eot_id|&gt;</c>. The first is the turn terminator.
    /// </summary>
    IReadOnlyList<string> StopTokens { get; }

    /// <summary>
    /// Renders <paramref name="messages"/>; with <paramref name="addGenerationPrompt"/> the text ends with the
    /// opening of an assistant turn, ready for generation.
    /// </summary>
    /// <exception cref="ArgumentException">A message has a role the family's format cannot express.</exception>
    string Render(IReadOnlyList<PromptMessage> messages, bool addGenerationPrompt);
}
