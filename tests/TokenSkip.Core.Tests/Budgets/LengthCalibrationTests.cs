using System.Globalization;
using TokenSkip.Core.Budgets;
using TokenSkip.Core.Calibration;
using Xunit;

namespace TokenSkip.Core.Tests.Budgets;

/// <summary>
/// The planner's length model against steps the embedded model really ran (<c>Fixtures/embedded-model-step-lengths.csv</c>,
/// recorded by <c>WorksheetAgent --calibration --questions 150</c>: 150 training and 150 held-out questions, each at the six
/// trained γ, greedy): fitted on the training questions, its expected lengths are unbiased on the held-out ones.
/// </summary>
public sealed class LengthCalibrationTests
{
    // The embedded model's card as evaluated (actual ratio and mean CoT per γ), without a length model.
    private static readonly ModelCard EmbeddedCard = new()
    {
        Calibration =
        [
            new RatioCalibration(1.0, 1.0, 0.83, 116.044),
            new RatioCalibration(0.9, 0.8922994726138362, 0.78, 103.546),
            new RatioCalibration(0.8, 0.8034193926441695, 0.76, 93.232),
            new RatioCalibration(0.7, 0.7033021957188653, 0.788, 81.614),
            new RatioCalibration(0.6, 0.6015476888076936, 0.732, 69.806),
            new RatioCalibration(0.5, 0.4948812519389197, 0.698, 57.428),
        ],
    };

    private static readonly Lazy<(IReadOnlyList<StepLength> Training, IReadOnlyList<StepLength> HeldOut)> Steps = new(Load);

    [Fact]
    public void ACardCalibratedOnTrainingQuestionsPredictsHeldOutStepsWithoutBiasAtEveryGamma()
    {
        var (training, heldOut) = Steps.Value;
        var card = EmbeddedCard with { LengthModel = LengthCalibration.Derive(EmbeddedCard, training) };

        var rows = LengthCalibration.Errors(new BudgetPlanner(card), heldOut);

        Assert.Equal([1.0, 0.9, 0.8, 0.7, 0.6, 0.5], rows.Select(r => r.Gamma));
        Assert.All(rows, r => Assert.Equal(150, r.Steps));
        Assert.All(rows, r => Assert.InRange(r.MeanSignedError, -2.0, 2.0));
        Assert.All(rows, r => Assert.True(r.MeanAbsoluteError < 0.1 * r.MeanTokens, $"γ={r.Gamma}: |error| {r.MeanAbsoluteError:0.0} of {r.MeanTokens:0.0}"));
    }

    [Fact]
    public void WithoutALengthModelTheCardOverPredictsEveryGamma()
    {
        var (_, heldOut) = Steps.Value;

        var rows = LengthCalibration.Errors(new BudgetPlanner(EmbeddedCard), heldOut);

        // The old prior: a flat γ = 1 mean and 20 answer tokens where the model spends about 12.
        Assert.All(rows, r => Assert.True(r.MeanSignedError > 5, $"γ={r.Gamma}: {r.MeanSignedError:+0.0}"));
    }

    [Fact]
    public void LearningTheTrainingStepsOnlineRemovesTheBiasToo()
    {
        var (training, heldOut) = Steps.Value;

        var rows = LengthCalibration.Errors(LengthCalibration.Fit(EmbeddedCard, training), heldOut);

        Assert.All(rows, r => Assert.InRange(r.MeanSignedError, -2.0, 2.0));
    }

    [SkippableFact]
    public void TheShippedEmbeddedModelCardPredictsTheHeldOutStepsWithoutBias()
    {
        var card = FindEmbeddedCard();
        Skip.If(card is null, "models/tokenskip-default/tokenskip.json was not found above the test's folder");
        Assert.NotNull(card!.LengthModel);

        var rows = LengthCalibration.Errors(new BudgetPlanner(card), Steps.Value.HeldOut);

        Assert.All(rows, r => Assert.InRange(r.MeanSignedError, -2.0, 2.0));
    }

    [Fact]
    public void DeriveRecoversTheLineTheSpreadAndTheAnswerOverhead()
    {
        // γ = 1 CoT = 100 + 2 (q − 40) ± 4, then 10 answer tokens; γ = 0.5 steps count as their γ = 1 equivalent.
        var steps = new List<StepLength>();
        foreach (var q in new[] { 20, 30, 40, 50, 60 })
        {
            foreach (var noise in new[] { -4, 4 })
            {
                var cot = 100 + 2 * (q - 40) + noise;
                steps.Add(new StepLength(1.0, q, cot, cot + 10));
                steps.Add(new StepLength(0.5, q, cot / 2, cot / 2 + 10));
            }
        }

        var model = LengthCalibration.Derive(null, steps);

        Assert.Equal(40, model.QuestionTokens, 6);
        Assert.Equal(100, model.CotTokens, 6);
        Assert.Equal(2, model.CotTokensPerQuestionToken, 6);
        Assert.Equal(Math.Sqrt(16.0 * 20 / 18), model.CotSpread, 6);
        Assert.Equal(10, model.AnswerTokens, 6);
        Assert.Equal(20, model.Steps);
    }

    [Fact]
    public void AFreshPlannerFromACalibratedCardStartsOnItsLine()
    {
        var card = new ModelCard { LengthModel = new CotLengthCalibration(40, 100, 2, 10, 12, 600) };
        var planner = new BudgetPlanner(card, new BudgetPlannerOptions { Ratios = [CompressionRatio.Uncompressed, new CompressionRatio(0.5)] });

        Assert.Equal(100 + 12, planner.Expect(CompressionRatio.Uncompressed, 40), 6);
        Assert.Equal(100 + 2 * 10 + 12, planner.Expect(CompressionRatio.Uncompressed, 50), 6);
        Assert.Equal(50 + 12, planner.Expect(new CompressionRatio(0.5), 40), 6); // no calibration entries: γ at face value
        Assert.Equal(100 + 10 + 12, planner.Predict(CompressionRatio.Uncompressed, 40)); // one spread of margin
    }

    [Fact]
    public void AnInvalidLengthModelIsRejectedNamingTheField()
    {
        var error = Assert.Throws<FormatException>(() => new ModelCard { LengthModel = new CotLengthCalibration(40, -1, 2, 10, 12, 6) }.Validate("card.json"));

        Assert.Contains("card.json: length_model.cot_tokens", error.Message);
    }

    private static (IReadOnlyList<StepLength>, IReadOnlyList<StepLength>) Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Budgets", "Fixtures", "embedded-model-step-lengths.csv");
        var rows = File.ReadLines(path).Skip(1).Select(line => line.Split(',')).ToArray();
        StepLength Step(string[] f) => new(double.Parse(f[2], CultureInfo.InvariantCulture), int.Parse(f[3], CultureInfo.InvariantCulture),
            int.Parse(f[4], CultureInfo.InvariantCulture), int.Parse(f[5], CultureInfo.InvariantCulture), int.Parse(f[1], CultureInfo.InvariantCulture));
        return ([.. rows.Where(f => f[0] == "training").Select(Step)], [.. rows.Where(f => f[0] == "held_out").Select(Step)]);
    }

    private static ModelCard? FindEmbeddedCard()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "models", "tokenskip-default", ModelCard.FileName);
            if (File.Exists(path))
            {
                return ModelCard.TryLoad(path);
            }
        }

        return null;
    }
}
