using TokenSkip.Core.Answers;
using Xunit;

namespace TokenSkip.Core.Tests.Answers;

public sealed class ChainOfThoughtTextTests
{
    [Fact]
    public void TheCotIsTheTextBeforeTheFinalAnswerLead() =>
        Assert.Equal("48/2 = 24. 48+24 = 72.", ChainOfThoughtText.From("48/2 = 24. 48+24 = 72.\n\nThe final answer is: $\\boxed{72}$"));

    [Fact]
    public void WithoutTheLeadTheWholeOutputIsTheCot() =>
        Assert.Equal("So it is \\boxed{72}.", ChainOfThoughtText.From("So it is \\boxed{72}."));
}
