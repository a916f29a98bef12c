using TokenSkip.Core.Budgets;
using Xunit;

namespace TokenSkip.Core.Tests.Budgets;

public sealed class TokenBudgetLedgerTests
{
    [Fact]
    public void ChargesReduceWhatIsLeftAndAreRecordedInOrder()
    {
        var ledger = new TokenBudgetLedger(500);

        Assert.Equal(380, ledger.Charge(120, "step 1"));
        Assert.Equal(180, ledger.Charge(200, "step 2"));

        Assert.Equal(320, ledger.Used);
        Assert.Equal(180, ledger.Remaining);
        Assert.False(ledger.IsExhausted);
        Assert.Equal([new BudgetLedgerEntry(120, "step 1", 380), new BudgetLedgerEntry(200, "step 2", 180)], ledger.Entries);
    }

    [Fact]
    public void OverspendingIsRecordedNotHidden()
    {
        var ledger = new TokenBudgetLedger(100);

        ledger.Charge(130);

        Assert.Equal(0, ledger.Remaining);
        Assert.Equal(30, ledger.Overspent);
        Assert.Equal(130, ledger.Used);
        Assert.True(ledger.IsExhausted);
    }

    [Theory]
    [InlineData(null, 250)]
    [InlineData(100, 100)]
    [InlineData(400, 250)]
    public void CapLowersARequestToWhatIsLeft(int? requested, int expected)
    {
        var ledger = new TokenBudgetLedger(300);
        ledger.Charge(50);

        Assert.Equal(expected, ledger.Cap(requested));
    }

    [Fact]
    public void NegativeAmountsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBudgetLedger(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBudgetLedger(10).Charge(-5));
    }

    [Fact]
    public void ConcurrentChargesAreAllCounted()
    {
        var ledger = new TokenBudgetLedger(1_000_000);

        Parallel.For(0, 1000, _ => ledger.Charge(7));

        Assert.Equal(7000, ledger.Used);
        Assert.Equal(1000, ledger.Entries.Count);
    }
}
