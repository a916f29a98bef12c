using System.Text;

namespace TokenSkip.Core.Prompts;

/// <summary>
/// Qwen2.5's ChatML template, reproducing its <c>chat_template</c> (without tools) character for character:
/// a system turn first (Qwen's default system prompt when the conversation has none), each turn as
/// <c>&lt;|im_start|&gt;role\n{content}&lt;|im_end|&gt;\n</c>, consecutive tool results grouped into one user
/// turn of <c>&lt;tool_response&gt;</c> blocks, and <c>&lt;|im_start|&gt;assistant\n</c> as generation prompt.
/// </summary>
public sealed class QwenChatTemplate : IChatTemplate
{
    /// <summary>The system prompt Qwen2.5's template inserts when the conversation has none.</summary>
    public const string DefaultSystemPrompt = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";

    /// <summary>Starts a turn.</summary>
    public const string TurnStart = "<|im_start|>";

    /// <summary>Ends a turn (Qwen2.5-Instruct's EOS).</summary>
    public const string TurnEnd = "<|im_end|>";

    /// <summary>End of document (the base model's EOS, also a stop token for the instruct models).</summary>
    public const string EndOfText = "<|endoftext|>";

    /// <inheritdoc />
    public ModelFamily Family => ModelFamily.Qwen2;

    /// <inheritdoc />
    public IReadOnlyList<string> StopTokens { get; } = [TurnEnd, EndOfText];

    /// <inheritdoc />
    public string Render(IReadOnlyList<PromptMessage> messages, bool addGenerationPrompt)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var text = new StringBuilder();
        var hasSystemFirst = messages.Count > 0 && messages[0].Role == PromptMessage.SystemRole;
        if (!hasSystemFirst)
        {
            AppendTurn(text, PromptMessage.SystemRole, DefaultSystemPrompt);
        }

        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            switch (message.Role)
            {
                case PromptMessage.SystemRole:
                case PromptMessage.UserRole:
                case PromptMessage.AssistantRole:
                    AppendTurn(text, message.Role, message.Content);
                    break;
                case PromptMessage.ToolRole:
                    // Runs of tool results share one user turn.
                    if (i == 0 || messages[i - 1].Role != PromptMessage.ToolRole)
                    {
                        text.Append(TurnStart).Append(PromptMessage.UserRole);
                    }

                    text.Append("\n<tool_response>\n").Append(message.Content).Append("\n</tool_response>");
                    if (i == messages.Count - 1 || messages[i + 1].Role != PromptMessage.ToolRole)
                    {
                        text.Append(TurnEnd).Append('\n');
                    }

                    break;
                default:
                    throw new ArgumentException(
                        $"messages[{i}].Role '{message.Role}' is not a Qwen2.5 chat role (system, user, assistant, tool).",
                        nameof(messages));
            }
        }

        if (addGenerationPrompt)
        {
            text.Append(TurnStart).Append(PromptMessage.AssistantRole).Append('\n');
        }

        return text.ToString();
    }

    private static void AppendTurn(StringBuilder text, string role, string content) =>
        text.Append(TurnStart).Append(role).Append('\n').Append(content).Append(TurnEnd).Append('\n');
}
