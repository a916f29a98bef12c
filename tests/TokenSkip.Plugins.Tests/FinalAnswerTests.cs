using Xunit;

namespace TokenSkip.Plugins.Tests;

public sealed class FinalAnswerTests
{
    [Theory]
    [InlineData("3 × 4 = 12\n\nThe final answer is: $\\boxed{12}$", "12")]
    [InlineData("first \\boxed{3} then \\boxed{\\frac{1}{2}}", "\\frac{1}{2}")]
    [InlineData("So the answer is 1,250 dollars.", "1250")]
    [InlineData("we get 7 and then 9", "9")]
    [InlineData("no numbers here", "")]
    [InlineData("cut off in the middle of \\boxed{12", "12")]
    public void ShouldExtractTheFinalAnswer(string completion, string expected)
    {
        Assert.Equal(expected, FinalAnswer.Extract(completion));
    }

    [Theory]
    [InlineData("12", "12", true)]
    [InlineData("12.0", "12", true)]
    [InlineData("$1,250", "1250", true)]
    [InlineData("13", "12", false)]
    [InlineData("", "0", false)]
    public void ShouldCompareAnswersNumerically(string predicted, string expected, bool match)
    {
        Assert.Equal(match, FinalAnswer.Matches(predicted, expected));
    }
}
