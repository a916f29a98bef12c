using TokenSkip.SemanticKernel;

namespace Microsoft.Extensions.AI;

/// <summary>Adds <see cref="PromptToolCallingChatClient"/> to a chat client pipeline.</summary>
public static class PromptToolCallingChatClientBuilderExtensions
{
    /// <summary>
    /// Gives a model without native tool calling prompt-based tool calls (best effort for small models). Add it inside
    /// function invocation, so that invocation sees the <see cref="FunctionCallContent"/> it produces.
    /// </summary>
    public static ChatClientBuilder UsePromptToolCalling(this ChatClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner => new PromptToolCallingChatClient(inner));
    }
}
