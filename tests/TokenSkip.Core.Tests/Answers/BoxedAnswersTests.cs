using TokenSkip.Core.Answers;
using Xunit;

namespace TokenSkip.Core.Tests.Answers;

public sealed class BoxedAnswersTests
{
    [Fact]
    public void NestedBracesAreMatched() =>
        Assert.Equal(["\\frac{\\sqrt{3}}{2}"], BoxedAnswers.FindAll("so $\\boxed{\\frac{\\sqrt{3}}{2}}$."));

    [Fact]
    public void EveryBoxIsFoundInOrderAndTheLastIsTheAnswer()
    {
        const string Text = "First \\boxed{1}, then \\fbox{2}, finally \\boxed {3}.";

        Assert.Equal(["1", "2", "3"], BoxedAnswers.FindAll(Text));
        Assert.Equal("3", BoxedAnswers.FindLast(Text));
    }

    [Fact]
    public void AnUnclosedBoxIsIgnored()
    {
        Assert.Equal(["4"], BoxedAnswers.FindAll("\\boxed{4} and then \\boxed{\\frac{1}{2"));
        Assert.Null(BoxedAnswers.FindLast("cut off at \\boxed{12"));
    }

    [Fact]
    public void EscapedBracesInsideABoxDoNotCloseIt() =>
        Assert.Equal(["\\{1,2\\}"], BoxedAnswers.FindAll("\\boxed{\\{1,2\\}}"));

    [Fact]
    public void APercentSignAfterTheBoxBelongsToTheAnswer() =>
        Assert.Equal(["50%"], BoxedAnswers.FindAll("\\boxed{50}\\%"));
}
