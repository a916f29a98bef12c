using TokenSkip.Core.Budgets;

namespace TokenSkip.SemanticKernel;

/// <summary>
/// The token budget of one agent run, flowing with the async context: every <see cref="TokenBudgetChatClient"/> and
/// <see cref="TokenBudgetFunctionFilter"/> reached from inside the scope charges and checks its ledger.
/// </summary>
/// <example>
/// <code>
/// using var run = TokenBudgetScope.Begin(2000);
/// var answer = await kernel.InvokePromptAsync(task, new(settings));
/// Console.WriteLine($"{run.Ledger.Used} tokens used");
/// </code>
/// </example>
public sealed class TokenBudgetScope : IDisposable
{
    private static readonly AsyncLocal<TokenBudgetScope?> CurrentScope = new();
    private readonly TokenBudgetScope? _outer;
    private bool _disposed;

    private TokenBudgetScope(TokenBudgetLedger ledger)
    {
        Ledger = ledger;
        _outer = CurrentScope.Value;
        CurrentScope.Value = this;
    }

    /// <summary>The ledger of the innermost active scope, or null outside any scope.</summary>
    public static TokenBudgetLedger? Current => CurrentScope.Value?.Ledger;

    /// <summary>The run's ledger.</summary>
    public TokenBudgetLedger Ledger { get; }

    /// <summary>Starts a run with a fresh ledger of <paramref name="totalTokens"/> completion tokens.</summary>
    public static TokenBudgetScope Begin(int totalTokens) => new(new TokenBudgetLedger(totalTokens));

    /// <summary>Starts a run that charges <paramref name="ledger"/>.</summary>
    public static TokenBudgetScope Begin(TokenBudgetLedger ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return new TokenBudgetScope(ledger);
    }

    /// <summary>Ends the run: the enclosing scope (if any) becomes current again.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            CurrentScope.Value = _outer;
        }
    }
}
