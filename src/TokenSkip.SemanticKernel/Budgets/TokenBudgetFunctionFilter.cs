using Microsoft.SemanticKernel;
using TokenSkip.Core.Budgets;

namespace TokenSkip.SemanticKernel;

/// <summary>
/// Ends Semantic Kernel's auto function-invocation loop once the run's token budget is spent (or below a reserve), so
/// the model is not asked for another round it cannot afford. The ledger is the current <see cref="TokenBudgetScope"/>'s,
/// or the one given to the constructor.
/// </summary>
/// <remarks>The function that was requested still runs; the loop stops after it, returning its result to the caller.</remarks>
public sealed class TokenBudgetFunctionFilter : IAutoFunctionInvocationFilter
{
    private readonly TokenBudgetLedger? _ledger;
    private readonly int _reserve;

    /// <summary>Creates the filter.</summary>
    /// <param name="ledger">The ledger to check outside any <see cref="TokenBudgetScope"/>; null checks scopes only.</param>
    /// <param name="reserveTokens">End the loop when no more than this many tokens are left (0: only when none are).</param>
    public TokenBudgetFunctionFilter(TokenBudgetLedger? ledger = null, int reserveTokens = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(reserveTokens);
        _ledger = ledger;
        _reserve = reserveTokens;
    }

    /// <inheritdoc />
    public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        await next(context).ConfigureAwait(false);
        if ((TokenBudgetScope.Current ?? _ledger) is { } ledger && ledger.Remaining <= _reserve)
        {
            context.Terminate = true;
        }
    }
}
