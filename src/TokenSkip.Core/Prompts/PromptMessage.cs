namespace TokenSkip.Core.Prompts;

/// <summary>One chat turn: who speaks (<see cref="Role"/>) and what is said.</summary>
/// <param name="Role">The speaker, normally one of the role constants below.</param>
/// <param name="Content">The turn's text, rendered verbatim.</param>
public sealed record PromptMessage(string Role, string Content)
{
    /// <summary>The system turn's role name.</summary>
    public const string SystemRole = "system";

    /// <summary>The user turn's role name.</summary>
    public const string UserRole = "user";

    /// <summary>The assistant turn's role name.</summary>
    public const string AssistantRole = "assistant";

    /// <summary>The role name of a tool's result.</summary>
    public const string ToolRole = "tool";

    /// <summary>The functions an assistant turn called, in order; null (or empty) when it called none.</summary>
    public IReadOnlyList<PromptToolCall>? ToolCalls { get; init; }

    /// <summary>For a tool result: the id of the call it answers (OpenAI's <c>tool_call_id</c>); not rendered by the templates.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>For a tool result: the function's name, where the caller knows it; not rendered by the templates.</summary>
    public string? Name { get; init; }

    /// <summary>True when the turn carries at least one tool call.</summary>
    public bool HasToolCalls => ToolCalls is { Count: > 0 };

    /// <inheritdoc />
    public bool Equals(PromptMessage? other) =>
        other is not null
        && Role == other.Role
        && Content == other.Content
        && ToolCallId == other.ToolCallId
        && Name == other.Name
        && (ReferenceEquals(ToolCalls, other.ToolCalls)
            || (ToolCalls is not null && other.ToolCalls is not null && ToolCalls.SequenceEqual(other.ToolCalls)));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Role, Content, ToolCallId, Name, ToolCalls?.Count ?? -1);
}
