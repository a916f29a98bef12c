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

    /// <summary>
    /// Renders <paramref name="messages"/> with the functions in <paramref name="tools"/> offered to the model, as the
    /// family's own chat template does with <c>apply_chat_template(messages, tools=…)</c>: the tool section, assistant
    /// tool calls (<see cref="PromptMessage.ToolCalls"/>) and tool results in the family's native form. Null or empty
    /// <paramref name="tools"/> offers none; tool calls in the messages are rendered either way. Message content passes
    /// through unchanged (marks included); JSON printed from tools and calls is marked as content.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A message has a role the format cannot express, a tool call's arguments or a tool's parameters are not a JSON
    /// object, or the conversation breaks a rule of the family's template (named in the message).
    /// </exception>
    string Render(IReadOnlyList<PromptMessage> messages, bool addGenerationPrompt, IReadOnlyList<ToolDefinition>? tools);

    /// <summary>
    /// The opening of an assistant reply that commits the model to a tool call in the family's native format, for a turn
    /// ended by the generation prompt: with <paramref name="functionName"/>, a call of that function up to its arguments
    /// (the model writes the arguments object and the rest); without, the start of some call. The template's own markers
    /// stay special tokens; the function name is marked as content (<see cref="Text.MessageContent"/>).
    /// </summary>
    /// <param name="functionName">The function the call must be of, or null for any of the offered tools.</param>
    string ToolCallOpening(string? functionName);
}
