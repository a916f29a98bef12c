namespace TokenSkip.Core.Budgets;

/// <summary>
/// A completion-token budget and what has been spent from it, for one call or one agent run. Thread-safe: the model
/// round trips of an agent's tool loop may charge it from different threads.
/// </summary>
/// <remarks>
/// Charges are recorded as reported, even past the total (a server that ignores a cap can overspend); <see cref="Remaining"/>
/// then stays at 0 and <see cref="Overspent"/> says by how much, so adherence can be measured honestly.
/// </remarks>
public sealed class TokenBudgetLedger
{
    private readonly object _gate = new();
    private readonly List<BudgetLedgerEntry> _entries = [];
    private int _used;

    /// <summary>Creates a ledger holding <paramref name="totalTokens"/> completion tokens.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="totalTokens"/> is negative.</exception>
    public TokenBudgetLedger(int totalTokens)
    {
        if (totalTokens < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(totalTokens), totalTokens, "token_budget must be >= 0.");
        }

        Total = totalTokens;
    }

    /// <summary>The budget in completion tokens.</summary>
    public int Total { get; }

    /// <summary>Completion tokens charged so far (may exceed <see cref="Total"/>).</summary>
    public int Used
    {
        get
        {
            lock (_gate)
            {
                return _used;
            }
        }
    }

    /// <summary>Tokens still available: <c>max(0, Total - Used)</c>.</summary>
    public int Remaining => Math.Max(0, Total - Used);

    /// <summary>Tokens spent beyond the total: <c>max(0, Used - Total)</c>.</summary>
    public int Overspent => Math.Max(0, Used - Total);

    /// <summary>True when nothing is left.</summary>
    public bool IsExhausted => Remaining == 0;

    /// <summary>Every charge in order.</summary>
    public IReadOnlyList<BudgetLedgerEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return _entries.ToArray();
            }
        }
    }

    /// <summary>Records <paramref name="tokens"/> spent; returns what is left.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tokens"/> is negative.</exception>
    public int Charge(int tokens, string? label = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        lock (_gate)
        {
            _used = (int)Math.Min(int.MaxValue, (long)_used + tokens);
            var remaining = Math.Max(0, Total - _used);
            _entries.Add(new BudgetLedgerEntry(tokens, label, remaining));
            return remaining;
        }
    }

    /// <summary>
    /// The output cap a call may use: <paramref name="requested"/> lowered to <see cref="Remaining"/> (or
    /// <see cref="Remaining"/> when nothing was requested).
    /// </summary>
    public int Cap(int? requested)
    {
        var remaining = Remaining;
        return requested is { } value ? Math.Min(value, remaining) : remaining;
    }
}
