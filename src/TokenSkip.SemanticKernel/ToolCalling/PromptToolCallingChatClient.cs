using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;

namespace TokenSkip.SemanticKernel;

/// <summary>
/// Tool calling for models that have none natively, done in the prompt: the tools in <see cref="ChatOptions.Tools"/>
/// are described in the system message, earlier calls and results are written back as text, and a
/// <c>&lt;tool_call&gt;{…}&lt;/tool_call&gt;</c> in the reply becomes a <see cref="FunctionCallContent"/>, so function
/// invocation above this client (Semantic Kernel's auto invocation included) can run it.
/// </summary>
/// <remarks>
/// Best effort: small models follow the format unreliably, and a reply that does not parse stays plain text. One call
/// per round trip (generation stops at the closing tag). Requests without tools, or with <see cref="ChatToolMode.None"/>,
/// pass through unchanged. Text before a call is streamed; from the opening tag on, output is held until it can be parsed.
/// </remarks>
public sealed class PromptToolCallingChatClient : DelegatingChatClient
{
    /// <summary>Wraps <paramref name="innerClient"/>.</summary>
    public PromptToolCallingChatClient(IChatClient innerClient)
        : base(innerClient)
    {
    }

    /// <inheritdoc />
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var tools = options?.Tools?.OfType<AIFunctionDeclaration>().ToArray() ?? [];
        if (tools.Length == 0 || options!.ToolMode is NoneChatToolMode)
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }

            yield break;
        }

        var inner = options.Clone();
        inner.Tools = null;
        inner.ToolMode = null;
        inner.StopSequences = [.. options.StopSequences ?? [], ToolCallSyntax.Close];
        var prompt = Rewrite(messages, ToolCallSyntax.Describe(tools, options.ToolMode is RequiredChatToolMode));

        var completion = new StringBuilder();
        var emitted = 0;
        var inCall = false;
        await foreach (var update in base.GetStreamingResponseAsync(prompt, inner, cancellationToken).ConfigureAwait(false))
        {
            var text = update.Text;
            if (text.Length == 0)
            {
                if (update.FinishReason is not null)
                {
                    foreach (var tail in Finish(update, completion.ToString(), emitted))
                    {
                        yield return tail;
                    }
                }
                else
                {
                    yield return update;
                }

                continue;
            }

            completion.Append(text);
            inCall = inCall || completion.ToString().Contains(ToolCallSyntax.Open, StringComparison.Ordinal);
            var safe = inCall ? 0 : SafeLength(completion);
            if (safe > emitted)
            {
                var delta = update.Clone();
                delta.Contents = [new TextContent(completion.ToString(emitted, safe - emitted))];
                delta.FinishReason = null;
                emitted = safe;
                yield return delta;
            }

            if (update.FinishReason is not null)
            {
                foreach (var tail in Finish(update, completion.ToString(), emitted))
                {
                    yield return tail;
                }
            }
        }
    }

    // Text that cannot be the start of an opening tag may be streamed at once.
    private static int SafeLength(StringBuilder completion)
    {
        var text = completion.ToString();
        for (var keep = Math.Min(ToolCallSyntax.Open.Length - 1, text.Length); keep > 0; keep--)
        {
            if (ToolCallSyntax.Open.StartsWith(text[^keep..], StringComparison.Ordinal))
            {
                return text.Length - keep;
            }
        }

        return text.Length;
    }

    private static IEnumerable<ChatResponseUpdate> Finish(ChatResponseUpdate final, string completion, int emitted)
    {
        var (text, calls) = ToolCallSyntax.Parse(completion);
        var contents = new List<AIContent>();
        if (calls.Count == 0)
        {
            if (completion.Length > emitted)
            {
                contents.Add(new TextContent(completion[emitted..]));
            }
        }
        else
        {
            if (text.Length > emitted)
            {
                contents.Add(new TextContent(text[emitted..]));
            }

            contents.AddRange(calls);
        }

        var last = final.Clone();
        last.Contents = [.. contents, .. final.Contents.Where(c => c is not TextContent)];
        if (calls.Count > 0)
        {
            last.FinishReason = ChatFinishReason.ToolCalls;
        }

        yield return last;
    }

    private static List<ChatMessage> Rewrite(IEnumerable<ChatMessage> messages, string toolPrompt)
    {
        var rewritten = new List<ChatMessage>();
        foreach (var message in messages)
        {
            if (!message.Contents.Any(c => c is FunctionCallContent or FunctionResultContent))
            {
                rewritten.Add(message);
                continue;
            }

            var contents = message.Contents.Select(c => c switch
            {
                FunctionCallContent call => new TextContent(ToolCallSyntax.Render(call)),
                FunctionResultContent result => new TextContent(result.Result as string ?? System.Text.Json.JsonSerializer.Serialize(result.Result)),
                _ => c,
            }).ToList();
            rewritten.Add(new ChatMessage(message.Role, contents));
        }

        if (rewritten.Count > 0 && rewritten[0].Role == ChatRole.System)
        {
            rewritten[0] = new ChatMessage(ChatRole.System, rewritten[0].Text + "\n\n" + toolPrompt);
        }
        else
        {
            rewritten.Insert(0, new ChatMessage(ChatRole.System, toolPrompt));
        }

        return rewritten;
    }
}
