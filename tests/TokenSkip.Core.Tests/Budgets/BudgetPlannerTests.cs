using TokenSkip.Core.Budgets;
using TokenSkip.Core.Calibration;
using Xunit;

namespace TokenSkip.Core.Tests.Budgets;

public sealed class BudgetPlannerTests
{
    // TokenSkip's published Qwen2.5-3B actual ratios, with a γ = 1 mean of 300 CoT tokens.
    // Predicted tokens without margin or answer overhead: 1.0→300, 0.9→249, 0.8→237, 0.7→219, 0.6→189, 0.5→162.
    private static readonly ModelCard Card = new()
    {
        Calibration =
        [
            new RatioCalibration(1.0, 1.00, 0.834, 300),
            new RatioCalibration(0.9, 0.83, 0.832, 249),
            new RatioCalibration(0.8, 0.79, 0.816, 237),
            new RatioCalibration(0.7, 0.73, 0.801, 219),
            new RatioCalibration(0.6, 0.63, 0.773, 189),
            new RatioCalibration(0.5, 0.54, 0.744, 162),
        ],
    };

    private static BudgetPlannerOptions Exact => new() { SafetyDeviations = 0, AnswerTokens = 0 };

    [Theory]
    [InlineData(1200, 4, 1.0, 300)]
    [InlineData(1000, 4, 0.9, 249)]
    [InlineData(960, 4, 0.8, 237)]
    [InlineData(900, 4, 0.7, 219)]
    [InlineData(760, 4, 0.6, 189)]
    [InlineData(162, 1, 0.5, 162)]
    public void PicksTheLargestRatioWhosePredictionFitsTheShare(int remaining, int steps, double expected, int predicted)
    {
        var planner = new BudgetPlanner(Card, Exact);

        var decision = planner.Plan(remaining, steps, questionTokens: 50);

        Assert.True(decision.FitsBudget);
        Assert.Equal(new CompressionRatio(expected), decision.Ratio);
        Assert.Equal(predicted, decision.PredictedTokens);
    }

    [Fact]
    public void TheCapLeavesLaterStepsTheirSmallestPrediction()
    {
        var planner = new BudgetPlanner(Card, Exact);

        var decision = planner.Plan(1000, 4, questionTokens: 50);

        Assert.Equal(1000 - 3 * 162, decision.MaxOutputTokens);
        Assert.Contains("γ=0.9", decision.Explanation);
    }

    [Fact]
    public void WhenNothingFitsItFallsBackToHalfCappedAtItsPredictionSoTheStepCanFinishAndSaysSo()
    {
        var planner = new BudgetPlanner(Card, Exact);

        var decision = planner.Plan(600, 4, questionTokens: 50);
        var last = planner.Plan(100, 1, questionTokens: 50);

        Assert.False(decision.FitsBudget);
        Assert.Equal(new CompressionRatio(0.5), decision.Ratio);
        // Not the even share, 150, which would cut every step: the allowance, (300 + 3 × 75) × 0.54 = 283.5.
        Assert.Equal(284, decision.MaxOutputTokens);
        Assert.Equal(162, decision.PredictedTokens);
        Assert.StartsWith("no γ fits", decision.Explanation);
        Assert.Contains("hard cap of 284", decision.Explanation);
        Assert.Equal(100, last.MaxOutputTokens); // never more than is left
    }

    [Fact]
    public void AStepExpectedToNeedMoreThanIsLeftIsSkippedWhileLaterStepsRemain()
    {
        var planner = new BudgetPlanner(Card, Exact);

        var skipped = planner.Plan(150, 2, questionTokens: 50);
        var lastTry = planner.Plan(150, 1, questionTokens: 50);

        Assert.Equal(0, skipped.MaxOutputTokens); // 162 expected at γ = 0.5, 150 left
        Assert.Contains("skipping", skipped.Explanation);
        Assert.Equal(150, lastTry.MaxOutputTokens);
    }

    [Fact]
    public void AnEmptyBudgetFallsBackWithAZeroCap()
    {
        var decision = new BudgetPlanner(Card, Exact).Plan(0, 2, questionTokens: 10);

        Assert.False(decision.FitsBudget);
        Assert.Equal(0, decision.MaxOutputTokens);
    }

    [Fact]
    public void WithoutACardRatiosAreTakenAtFaceValueWithTheDefaultLength()
    {
        var planner = new BudgetPlanner(null, new BudgetPlannerOptions { SafetyDeviations = 0, AnswerTokens = 0, DefaultCotTokens = 200 });

        Assert.Equal(140, planner.Predict(new CompressionRatio(0.7), 30));
        Assert.Equal(new CompressionRatio(0.7), planner.Plan(150, 1, 30).Ratio);
    }

    [Fact]
    public void AnswerOverheadAndSafetyMarginRaiseThePrediction()
    {
        var plain = new BudgetPlanner(Card, Exact).Predict(CompressionRatio.Uncompressed, 50);
        var padded = new BudgetPlanner(Card, new BudgetPlannerOptions { SafetyDeviations = 1, AnswerTokens = 20, PriorRelativeSpread = 0.2 })
            .Predict(CompressionRatio.Uncompressed, 50);

        Assert.Equal(300, plain);
        Assert.Equal(300 + 60 + 20, padded);
    }

    [Fact]
    public void ObservedLengthsMoveThePredictionFromTheCardTowardsTheData()
    {
        var planner = new BudgetPlanner(Card, Exact);
        for (var i = 0; i < 9; i++)
        {
            planner.Observe(CompressionRatio.Uncompressed, 400, questionTokens: 50);
        }

        // Level = (3 × 300 + 9 × 400) / 12 = 375.
        Assert.Equal(375, planner.Predict(CompressionRatio.Uncompressed, 50));
        Assert.Equal(9, planner.Observations);
    }

    [Fact]
    public void CompressedObservationsCountAsTheirUncompressedEquivalent()
    {
        var planner = new BudgetPlanner(Card, Exact);

        // 216 tokens at γ = 0.5 (actual ratio 0.54) is a 400-token γ = 1 CoT.
        for (var i = 0; i < 9; i++)
        {
            planner.Observe(new CompressionRatio(0.5), 216, questionTokens: 50);
        }

        Assert.Equal(375, planner.Predict(CompressionRatio.Uncompressed, 50));
    }

    [Fact]
    public void LongerQuestionsArePredictedLongerCotsOnceTheDataShowIt()
    {
        var planner = new BudgetPlanner(Card, Exact);
        for (var i = 0; i < 20; i++)
        {
            planner.Observe(CompressionRatio.Uncompressed, 100 + 4 * (i % 5) * 20, questionTokens: 20 + (i % 5) * 20);
        }

        Assert.True(planner.Predict(CompressionRatio.Uncompressed, 100) > planner.Predict(CompressionRatio.Uncompressed, 20) + 200);
    }

    [Fact]
    public void CompletionTokensTeachTheAnswerOverhead()
    {
        var planner = new BudgetPlanner(Card, Exact);
        planner.Observe(CompressionRatio.Uncompressed, 300, questionTokens: 50, completionTokens: 320);

        // Answer overhead = (prior 0 + 20) / 2 = 10; length level = (900 + 300) / 4 = 300.
        Assert.Equal(310, planner.Predict(CompressionRatio.Uncompressed, 50));
    }

    [Fact]
    public void TextQuestionsAreCountedWithTheConfiguredCounter()
    {
        var counted = new List<string>();
        var planner = new BudgetPlanner(Card, new BudgetPlannerOptions { CountTokens = q => { counted.Add(q); return 50; } });

        planner.Plan(1000, 2, "How many apples?");

        Assert.Equal(["How many apples?"], counted);
    }

    [Fact]
    public void TheCardsTrainedRatiosAreTheCandidates()
    {
        var planner = new BudgetPlanner(Card with { TrainedRatios = [1.0, 0.5] }, Exact);

        Assert.Equal([CompressionRatio.Uncompressed, new CompressionRatio(0.5)], planner.Ratios);
        Assert.Equal(new CompressionRatio(0.5), planner.Plan(280, 1, 50).Ratio);
    }

    [Fact]
    public void InvalidArgumentsAreRejected()
    {
        var planner = new BudgetPlanner(Card);

        Assert.Throws<ArgumentOutOfRangeException>(() => planner.Plan(-1, 1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => planner.Plan(100, 0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => planner.Observe(CompressionRatio.Uncompressed, 100, 10, completionTokens: 50));
        Assert.Throws<ArgumentException>(() => new BudgetPlanner(Card, new BudgetPlannerOptions { PriorWeight = 0 }));
    }
}
