using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using TokenSkip.Core.Budgets;

namespace TokenSkip.SemanticKernel;

/// <summary>
/// Enforces a completion-token budget on every model round trip that passes through it, including each round trip of
/// an auto function-invocation loop (place it inside <c>UseKernelFunctionInvocation</c>/<c>UseFunctionInvocation</c>).
/// </summary>
/// <remarks>
/// <para>
/// The ledger is, in order: the run's <see cref="TokenBudgetScope.Current"/>; the ledger given to the constructor; or,
/// when the call's options carry <c>token_budget</c>, a ledger for that call (shared by the round trips that reuse the
/// same <see cref="ChatOptions"/> instance, as function invocation does). Without any, calls pass through untouched.
/// </para>
/// <para>
/// Each round trip gets <c>MaxOutputTokens</c> lowered to what is left and, unless the caller fixed
/// <c>compression_ratio</c>, <c>token_budget</c> set to what is left, so a TokenSkip model plans γ for it. Its output
/// tokens (from <see cref="UsageDetails"/>, or one per streamed content update when none is reported) are charged
/// afterwards. When nothing is left the model is not called: the response is empty, with finish reason
/// <see cref="ChatFinishReason.Length"/> and <c>token_budget_exhausted</c> set, which ends a tool loop.
/// </para>
/// </remarks>
public sealed class TokenBudgetChatClient : DelegatingChatClient
{
    private readonly TokenBudgetLedger? _ledger;
    private readonly ConditionalWeakTable<ChatOptions, TokenBudgetLedger> _perCall = [];

    /// <summary>Wraps <paramref name="innerClient"/>; <paramref name="ledger"/>, when given, is charged by every call outside a <see cref="TokenBudgetScope"/>.</summary>
    public TokenBudgetChatClient(IChatClient innerClient, TokenBudgetLedger? ledger = null)
        : base(innerClient)
    {
        _ledger = ledger;
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var ledger = LedgerFor(options);
        if (ledger is null)
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }

        if (ledger.IsExhausted)
        {
            return Exhausted();
        }

        var response = await base.GetResponseAsync(messages, Capped(options, ledger), cancellationToken).ConfigureAwait(false);
        ledger.Charge((int)Math.Min(int.MaxValue, response.Usage?.OutputTokenCount ?? 0), "model round trip");
        return response;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var ledger = LedgerFor(options);
        if (ledger is null)
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }

            yield break;
        }

        if (ledger.IsExhausted)
        {
            foreach (var update in Exhausted().ToChatResponseUpdates())
            {
                yield return update;
            }

            yield break;
        }

        long? reported = null;
        var streamed = 0;
        try
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, Capped(options, ledger), cancellationToken).ConfigureAwait(false))
            {
                foreach (var content in update.Contents)
                {
                    if (content is UsageContent usage)
                    {
                        reported = (reported ?? 0) + (usage.Details.OutputTokenCount ?? 0);
                    }
                }

                if (update.Contents.Any(c => c is TextContent or FunctionCallContent))
                {
                    streamed++;
                }

                yield return update;
            }
        }
        finally
        {
            // Charged even when the consumer stops early: the tokens were generated.
            ledger.Charge((int)Math.Min(int.MaxValue, reported ?? streamed), "model round trip");
        }
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(TokenBudgetLedger) && _ledger is not null ? _ledger : base.GetService(serviceType, serviceKey);

    private TokenBudgetLedger? LedgerFor(ChatOptions? options)
    {
        if ((TokenBudgetScope.Current ?? _ledger) is { } ledger)
        {
            return ledger;
        }

        if (options is null || TokenSkipCallOptions.From(options).TokenBudget is not { } budget)
        {
            return null;
        }

        return _perCall.GetValue(options, _ => new TokenBudgetLedger(budget));
    }

    private static ChatOptions Capped(ChatOptions? options, TokenBudgetLedger ledger)
    {
        var capped = options?.Clone() ?? new ChatOptions();
        var remaining = ledger.Remaining;
        capped.MaxOutputTokens = ledger.Cap(capped.MaxOutputTokens);
        var call = TokenSkipCallOptions.From(capped);
        if (call.Ratio is null || call.TokenBudget is not null)
        {
            capped.AdditionalProperties ??= [];
            capped.AdditionalProperties[TokenSkipOptionKeys.TokenBudget] = Math.Min(remaining, call.TokenBudget ?? int.MaxValue);
        }

        return capped;
    }

    private static ChatResponse Exhausted() => new(new ChatMessage(ChatRole.Assistant, string.Empty))
    {
        FinishReason = ChatFinishReason.Length,
        Usage = new UsageDetails { InputTokenCount = 0, OutputTokenCount = 0, TotalTokenCount = 0 },
        AdditionalProperties = new() { [TokenSkipOptionKeys.BudgetExhausted] = true },
    };
}
