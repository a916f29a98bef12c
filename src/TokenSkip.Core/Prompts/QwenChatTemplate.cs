using System.Text;

namespace TokenSkip.Core.Prompts;

/// <summary>
/// Qwen2.5-Instruct's ChatML template, reproducing its <c>chat_template</c> character for character: a system turn first
/// (Qwen's default system prompt when the conversation has none; with tools, followed by the <c># Tools</c> section listing
/// each tool as JSON), each turn as <c>&lt;|im_start|&gt;role\n{content}&lt;|im_end|&gt;\n</c>, assistant tool calls as
/// <c>&lt;tool_call&gt;</c> blocks, consecutive tool results grouped into one user turn of <c>&lt;tool_response&gt;</c>
/// blocks, and <c>&lt;|im_start|&gt;assistant\n</c> as generation prompt.
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

    /// <summary>Opens a tool call in the model's output (plain text, not a special token).</summary>
    public const string ToolCallOpen = "<tool_call>";

    /// <summary>Closes a tool call in the model's output.</summary>
    public const string ToolCallClose = "</tool_call>";

    private const string ToolsHeader =
        "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n" +
        "You are provided with function signatures within <tools></tools> XML tags:\n<tools>";

    private const string ToolsFooter =
        "\n</tools>\n\nFor each function call, return a json object with function name and arguments within " +
        "<tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call>";

    /// <inheritdoc />
    public ModelFamily Family => ModelFamily.Qwen2;

    /// <inheritdoc />
    public IReadOnlyList<string> StopTokens { get; } = [TurnEnd, EndOfText];

    /// <inheritdoc />
    /// <remarks>Qwen2.5: <c>&lt;tool_call&gt;\n</c>, then for a named function <c>{"name": "fn", "arguments": </c>.</remarks>
    public string ToolCallOpening(string? functionName) =>
        functionName is null
            ? ToolCallOpen + "\n"
            : ToolCallOpen + "\n{\"name\": \"" + Text.MessageContent.Mark(functionName) + "\", \"arguments\": ";

    /// <inheritdoc />
    public string Render(IReadOnlyList<PromptMessage> messages, bool addGenerationPrompt) =>
        Render(messages, addGenerationPrompt, tools: null);

    /// <inheritdoc />
    public string Render(IReadOnlyList<PromptMessage> messages, bool addGenerationPrompt, IReadOnlyList<ToolDefinition>? tools)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var text = new StringBuilder();
        var hasSystemFirst = messages.Count > 0 && messages[0].Role == PromptMessage.SystemRole;
        var system = hasSystemFirst ? messages[0].Content : DefaultSystemPrompt;
        if (ToolJson.Any(tools))
        {
            text.Append(TurnStart).Append(PromptMessage.SystemRole).Append('\n').Append(system).Append(ToolsHeader);
            for (var t = 0; t < tools!.Count; t++)
            {
                text.Append('\n').Append(ToolJson.Definition(tools[t], t, indent: null));
            }

            text.Append(ToolsFooter).Append(TurnEnd).Append('\n');
        }
        else
        {
            AppendTurn(text, PromptMessage.SystemRole, system);
        }

        // The leading system message is already in the system turn; later ones are ordinary turns.
        for (var i = hasSystemFirst ? 1 : 0; i < messages.Count; i++)
        {
            var message = messages[i];
            switch (message.Role)
            {
                case PromptMessage.SystemRole:
                case PromptMessage.UserRole:
                case PromptMessage.AssistantRole when !message.HasToolCalls:
                    AppendTurn(text, message.Role, message.Content);
                    break;
                case PromptMessage.AssistantRole:
                    AppendToolCalls(text, message, i);
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

    /// <summary>An assistant turn with calls: its content (when not empty), then one <c>&lt;tool_call&gt;</c> block per call.</summary>
    private static void AppendToolCalls(StringBuilder text, PromptMessage message, int index)
    {
        text.Append(TurnStart).Append(PromptMessage.AssistantRole);
        if (message.Content.Length > 0)
        {
            text.Append('\n').Append(message.Content);
        }

        for (var c = 0; c < message.ToolCalls!.Count; c++)
        {
            var call = message.ToolCalls[c] ?? throw new ArgumentException($"messages[{index}].ToolCalls[{c}] is null.", "messages");
            text.Append('\n').Append(ToolCallOpen).Append("\n{\"name\": \"").Append(ToolJson.Name(call, index, c))
                .Append("\", \"arguments\": ").Append(ToolJson.Arguments(call, index, c)).Append("}\n").Append(ToolCallClose);
        }

        text.Append(TurnEnd).Append('\n');
    }
}
