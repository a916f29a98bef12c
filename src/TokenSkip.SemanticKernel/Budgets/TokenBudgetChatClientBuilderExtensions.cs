using TokenSkip.Core.Budgets;
using TokenSkip.SemanticKernel;

namespace Microsoft.Extensions.AI;

/// <summary>Adds <see cref="TokenBudgetChatClient"/> to a chat client pipeline.</summary>
public static class TokenBudgetChatClientBuilderExtensions
{
    /// <summary>
    /// Enforces token budgets on every round trip below this point; add it after (inside) function invocation so that
    /// it sees each round trip of a tool loop.
    /// </summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="ledger">A ledger every call outside a <see cref="TokenBudgetScope"/> charges; null uses scopes and per-call budgets only.</param>
    public static ChatClientBuilder UseTokenBudget(this ChatClientBuilder builder, TokenBudgetLedger? ledger = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner => new TokenBudgetChatClient(inner, ledger));
    }
}
