using System.Text;

namespace TokenSkip.Core.Prompts;

/// <summary>
/// The Llama 3 / 3.1 Instruct turn format: <c>&lt;|begin_of_text|&gt;</c>, then per turn
/// <c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\n{content}&lt;|eot_id|&gt;</c>, and
/// <c>&lt;|start_header_id|&gt;assistant&lt;|end_header_id|&gt;\n\n</c> as generation prompt.
/// </summary>
/// <remarks>
/// Two deliberate differences from Meta's Jinja template: no system turn is added when the conversation has
/// none (Llama 3.1's template always adds one with "Cutting Knowledge Date"/"Today Date" lines; TokenSkip's
/// prompts have no system turn), and content is not trimmed (so callers control whitespace exactly, as
/// TokenSkip's prompt, whose user turn ends in a newline, requires). A <c>tool</c> message is rendered under
/// the <c>ipython</c> header, as Llama 3.1 names tool results.
/// </remarks>
public sealed class Llama3ChatTemplate : IChatTemplate
{
    /// <summary>Begins the sequence (Llama 3's BOS).</summary>
    public const string BeginOfText = "<|begin_of_text|>";

    /// <summary>Opens a turn header.</summary>
    public const string StartHeader = "<|start_header_id|>";

    /// <summary>Closes a turn header.</summary>
    public const string EndHeader = "<|end_header_id|>";

    /// <summary>Ends a turn (Llama 3 Instruct's EOS).</summary>
    public const string EndOfTurn = "<|eot_id|>";

    /// <summary>Ends a turn that expects a tool call result (Llama 3.1).</summary>
    public const string EndOfMessage = "<|eom_id|>";

    /// <summary>End of document (the base model's EOS).</summary>
    public const string EndOfText = "<|end_of_text|>";

    private const string ToolHeaderRole = "ipython";

    /// <inheritdoc />
    public ModelFamily Family => ModelFamily.Llama3;

    /// <inheritdoc />
    public IReadOnlyList<string> StopTokens { get; } = [EndOfTurn, EndOfText, EndOfMessage];

    /// <inheritdoc />
    public string Render(IReadOnlyList<PromptMessage> messages, bool addGenerationPrompt)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var text = new StringBuilder(BeginOfText);
        for (var i = 0; i < messages.Count; i++)
        {
            var role = messages[i].Role;
            if (string.IsNullOrWhiteSpace(role))
            {
                throw new ArgumentException($"messages[{i}].Role is empty.", nameof(messages));
            }

            AppendHeader(text, role == PromptMessage.ToolRole ? ToolHeaderRole : role);
            text.Append(messages[i].Content).Append(EndOfTurn);
        }

        if (addGenerationPrompt)
        {
            AppendHeader(text, PromptMessage.AssistantRole);
        }

        return text.ToString();
    }

    private static void AppendHeader(StringBuilder text, string role) =>
        text.Append(StartHeader).Append(role).Append(EndHeader).Append("\n\n");
}
