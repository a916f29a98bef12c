using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using TokenSkip.Core.Prompts;

namespace TokenSkip.SemanticKernel;

/// <summary>
/// Turns Microsoft.Extensions.AI chat messages into the plain turns TokenSkip's prompt builder renders. Function calls
/// and results that reach it (no tool-calling middleware in the pipeline) are written as JSON text, so nothing is lost.
/// </summary>
internal static class ChatMessageRenderer
{
    public static List<PromptMessage> ToPromptMessages(IEnumerable<ChatMessage> messages, string? instructions)
    {
        var turns = new List<PromptMessage>();
        if (!string.IsNullOrEmpty(instructions))
        {
            turns.Add(new PromptMessage(PromptMessage.SystemRole, instructions));
        }

        foreach (var message in messages)
        {
            turns.Add(new PromptMessage(RoleOf(message.Role), TextOf(message)));
        }

        // Instructions and a leading system message share the one system turn both templates allow.
        if (turns.Count > 1 && turns[0].Role == PromptMessage.SystemRole && turns[1].Role == PromptMessage.SystemRole)
        {
            turns[0] = turns[0] with { Content = turns[0].Content + "\n\n" + turns[1].Content };
            turns.RemoveAt(1);
        }

        return turns;
    }

    /// <summary>The text of the last user turn (the question a budget is planned for); empty when there is none.</summary>
    public static string LastUserText(IReadOnlyList<PromptMessage> turns) =>
        turns.LastOrDefault(t => t.Role == PromptMessage.UserRole)?.Content ?? string.Empty;

    private static string RoleOf(ChatRole role) =>
        role == ChatRole.System ? PromptMessage.SystemRole
        : role == ChatRole.Assistant ? PromptMessage.AssistantRole
        : role == ChatRole.Tool ? PromptMessage.ToolRole
        : role == ChatRole.User ? PromptMessage.UserRole
        : role.Value;

    private static string TextOf(ChatMessage message)
    {
        var text = new StringBuilder();
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent t:
                    text.Append(t.Text);
                    break;
                case FunctionCallContent call:
                    text.Append(JsonSerializer.Serialize(new { name = call.Name, arguments = call.Arguments }));
                    break;
                case FunctionResultContent result:
                    text.Append(result.Result switch
                    {
                        null => "null",
                        string s => s,
                        var other => JsonSerializer.Serialize(other),
                    });
                    break;
            }
        }

        return text.ToString();
    }
}
