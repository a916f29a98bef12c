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
}
