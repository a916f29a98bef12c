using TokenSkip.Core.Answers;
using Xunit;

namespace TokenSkip.Core.Tests.Answers;

public sealed class AnswerExtractorTests
{
    [Fact]
    public void TheLastBoxWins()
    {
        var answer = AnswerExtractor.Extract("Try \\boxed{12}. No wait.\n\nThe final answer is: $\\boxed{18}$");

        Assert.Equal(new ExtractedAnswer("18", AnswerSource.Boxed), answer);
    }

    [Fact]
    public void TheAnswerPhraseIsUsedWithoutABox()
    {
        Assert.Equal(new ExtractedAnswer("42", AnswerSource.AnswerPhrase), AnswerExtractor.Extract("So 6*7=42.\nThe answer is 42.\nDone, 7 steps."));
        Assert.Equal(new ExtractedAnswer("\\frac{1}{2}", AnswerSource.AnswerPhrase), AnswerExtractor.Extract("Therefore the answer is: $\\dfrac{1}{2}$."));
    }

    [Fact]
    public void AnAnswerPhraseWithUnitsKeepsTheNumber() =>
        Assert.Equal("18", AnswerExtractor.Extract("The answer is 18 dollars.")!.Text);

    [Fact]
    public void TheLastNumberIsTheFallback()
    {
        var answer = AnswerExtractor.Extract("She pays 3 * $1,250 = $3,750 in total, and -2 is not it... then 3,750.50");

        Assert.Equal(new ExtractedAnswer("3750.50", AnswerSource.LastNumber), answer);
    }

    [Theory]
    [InlineData("x = -4", "-4")]
    [InlineData("5-3 leaves 2 apples, 10-8", "8")]
    [InlineData("the value is .5", "0.5")]
    public void LastNumbersKeepTheirSignOnlyWhenItIsASign(string text, string expected) =>
        Assert.Equal(expected, AnswerExtractor.Extract(text)!.Text);

    [Fact]
    public void ACutOffBoxFallsBackToTheLastNumber() =>
        Assert.Equal(new ExtractedAnswer("7", AnswerSource.LastNumber), AnswerExtractor.Extract("3 + 4 = 7, so \\boxed{"));

    [Fact]
    public void TextWithoutAnyAnswerYieldsNone()
    {
        Assert.Null(AnswerExtractor.Extract("I am not sure how to solve this."));
        Assert.Null(AnswerExtractor.Extract(string.Empty));
    }

    [Fact]
    public void ExtractAllReturnsEveryBoxForMultiAnswerQuestions() =>
        Assert.Equal(["1", "-2"], AnswerExtractor.ExtractAll("Roots: $\\boxed{1}$ and $\\boxed{-2}$.").Select(a => a.Text));
}
