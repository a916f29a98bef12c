using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace TokenSkip.SemanticKernel.Tests;

/// <summary>A chat client whose replies come from a callback, recording every call's messages and options.</summary>
internal sealed class ScriptedChatClient : IChatClient
{
    public List<(List<ChatMessage> Messages, ChatOptions? Options)> Calls { get; } = [];

    /// <summary>Produces the reply to a call (by call index).</summary>
    public Func<int, IReadOnlyList<ChatMessage>, ChatOptions?, ChatResponse> Reply { get; set; } =
        (_, _, _) => new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"));

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        Calls.Add((list, options));
        return Task.FromResult(Reply(Calls.Count - 1, list, options));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("scripted", null, "scripted")
        : serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    /// <summary>A reply that spent <paramref name="outputTokens"/> tokens.</summary>
    public static ChatResponse Spent(string text, int outputTokens) => new(new ChatMessage(ChatRole.Assistant, text))
    {
        Usage = new UsageDetails { OutputTokenCount = outputTokens, InputTokenCount = 10, TotalTokenCount = 10 + outputTokens },
        FinishReason = ChatFinishReason.Stop,
    };
}
