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
    /// <summary>The conversation as prompt turns (instructions travel separately, to the turn policy).</summary>
    public static List<PromptMessage> ToPromptMessages(IEnumerable<ChatMessage> messages) =>
        [.. messages.Select(message => new PromptMessage(RoleOf(message.Role), TextOf(message)))];

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
