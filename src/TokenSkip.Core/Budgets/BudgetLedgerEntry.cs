namespace TokenSkip.Core.Budgets;

/// <summary>One charge against a <see cref="TokenBudgetLedger"/>.</summary>
/// <param name="Tokens">Completion tokens charged.</param>
/// <param name="Label">What spent them (a step name, a model round trip), or null.</param>
/// <param name="RemainingAfter">Tokens left after this charge (never negative).</param>
public sealed record BudgetLedgerEntry(int Tokens, string? Label, int RemainingAfter);
