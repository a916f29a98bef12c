using TokenSkip.Core.Answers;
using Xunit;

namespace TokenSkip.Core.Tests.Answers;

public sealed class AnswerScorerTests
{
    [Fact]
    public void ATokenSkipOutputIsScoredOnItsFinalBox()
    {
        var score = AnswerScorer.Score("48/2 = 24 in May. 48+24 = 72.\n\nThe final answer is: $\\boxed{72}$", "72");

        Assert.Equal(new AnswerScore("72", true, AnswerSource.Boxed), score);
    }

    [Fact]
    public void AWrongAnswerIsScoredWrongAndKeepsThePrediction()
    {
        var score = AnswerScorer.Score("The answer is 70.", "72");

        Assert.Equal(new AnswerScore("70", false, AnswerSource.AnswerPhrase), score);
    }

    [Fact]
    public void NoAnswerIsWrongWithoutPrediction() =>
        Assert.Equal(new AnswerScore(null, false, null), AnswerScorer.Score("Let me think about it.", "72"));

    [Fact]
    public void GsmReferencesWithThousandsSeparatorsMatchPlainNumbers() =>
        Assert.True(AnswerScorer.IsCorrect("So the total is \\boxed{70000}.", "70,000"));

    [Fact]
    public void CommaSeparatedAnswersMatchAsSetsWhenTheQuestionAsksForThem()
    {
        const string Question = "Find all real roots. Enter all the solutions, separated by commas.";

        Assert.True(AnswerScorer.IsCorrect("\\boxed{-2, 1}", "1,-2", Question));
        Assert.True(AnswerScorer.IsCorrect("x = \\boxed{1} or x = \\boxed{-2}", "1,-2", Question));
        Assert.False(AnswerScorer.IsCorrect("\\boxed{1}", "1,-2", Question));
        Assert.False(AnswerScorer.IsCorrect("\\boxed{1, -2, 3}", "1,-2", Question));
        Assert.False(AnswerScorer.IsCorrect("\\boxed{-2, 1}", "1,-2"));
    }

    [Fact]
    public void TextAndSeparatesAnswers() =>
        Assert.True(AnswerScorer.IsCorrect("\\boxed{3 \\text{ and } 5}", "5 \\text{ and } 3"));

    [Fact]
    public void ARepeatedEarlierBoxDoesNotHideTheFinalOne() =>
        Assert.Equal("18", AnswerScorer.Score("\\boxed{18}? no, \\boxed{20}... actually \\boxed{18}", "18").Prediction);
}
