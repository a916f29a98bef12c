using System.Text.Json;
using Microsoft.Extensions.AI;
using TokenSkip.Core.Prompts;

namespace TokenSkip.SemanticKernel;

/// <summary>
/// Turns Microsoft.Extensions.AI chat messages and tools into the turns and tool definitions the turn policy renders in
/// the model family's native format.
/// </summary>
internal static class ChatMessageRenderer
{
    /// <summary>
    /// The conversation as prompt turns (instructions travel separately, to the turn policy): an assistant's
    /// <see cref="FunctionCallContent"/> become its native tool calls, and each <see cref="FunctionResultContent"/> a tool
    /// turn of its own that answers its call.
    /// </summary>
    public static List<PromptMessage> ToPromptMessages(IEnumerable<ChatMessage> messages)
    {
        var turns = new List<PromptMessage>();
        foreach (var message in messages)
        {
            var role = RoleOf(message.Role);
            var results = message.Contents.OfType<FunctionResultContent>().ToList();
            if (results.Count > 0)
            {
                turns.AddRange(results.Select(r => new PromptMessage(PromptMessage.ToolRole, ResultText(r.Result)) { ToolCallId = r.CallId }));
                continue;
            }

            var calls = message.Contents.OfType<FunctionCallContent>()
                .Select(c => new PromptToolCall(c.CallId, c.Name, JsonSerializer.Serialize(c.Arguments ?? new Dictionary<string, object?>())))
                .ToList();
            turns.Add(new PromptMessage(role, string.Concat(message.Contents.OfType<TextContent>().Select(t => t.Text)))
            {
                ToolCalls = calls.Count > 0 ? calls : null,
            });
        }

        return turns;
    }

    /// <summary>The functions of <paramref name="options"/> as tool definitions for the family's native template.</summary>
    public static IReadOnlyList<ToolDefinition>? ToolsOf(ChatOptions? options) =>
        options?.Tools?.OfType<AIFunctionDeclaration>()
            .Select(f => new ToolDefinition(f.Name, f.Description, f.JsonSchema.ValueKind == JsonValueKind.Undefined ? null : f.JsonSchema.GetRawText()))
            .ToArray() is { Length: > 0 } tools ? tools : null;

    /// <summary>OpenAI's <c>tool_choice</c> for <see cref="ChatOptions.ToolMode"/>.</summary>
    public static string? ToolChoiceOf(ChatOptions? options) => options?.ToolMode switch
    {
        null or AutoChatToolMode => null,
        NoneChatToolMode => "none",
        RequiredChatToolMode { RequiredFunctionName: { } name } => name,
        RequiredChatToolMode => "required",
        _ => null,
    };

    private static string ResultText(object? result) => result switch
    {
        null => "null",
        string s => s,
        var other => JsonSerializer.Serialize(other),
    };

    private static string RoleOf(ChatRole role) =>
        role == ChatRole.System ? PromptMessage.SystemRole
        : role == ChatRole.Assistant ? PromptMessage.AssistantRole
        : role == ChatRole.Tool ? PromptMessage.ToolRole
        : role == ChatRole.User ? PromptMessage.UserRole
        : role.Value;
}
