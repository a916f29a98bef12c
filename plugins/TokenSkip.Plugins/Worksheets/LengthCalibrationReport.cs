using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using TokenSkip.Core.Budgets;
using TokenSkip.Core.Calibration;

namespace TokenSkip.Plugins.Worksheets;

/// <summary>
/// The budget planner's length error on held-out steps, per γ, three ways: a fresh planner from the model card as it
/// is, a fresh planner from the card calibrated on the training steps (<see cref="LengthModel"/>), and a planner that
/// learned the training steps online starting from the card as it is.
/// </summary>
/// <param name="Training">The steps the length model was fitted on.</param>
/// <param name="HeldOut">The steps it was measured on (other questions).</param>
/// <param name="LengthModel">The length model fitted on <paramref name="Training"/>, for the card's <c>length_model</c>.</param>
/// <param name="CardOnly">Errors of a fresh planner from the card as it is.</param>
/// <param name="Calibrated">Errors of a fresh planner from the card with <paramref name="LengthModel"/>.</param>
/// <param name="Online">Errors of a planner that observed <paramref name="Training"/>, starting from the card as it is.</param>
public sealed record LengthCalibrationReport(
    [property: JsonPropertyName("training")] IReadOnlyList<StepLength> Training,
    [property: JsonPropertyName("held_out")] IReadOnlyList<StepLength> HeldOut,
    [property: JsonPropertyName("length_model")] CotLengthCalibration LengthModel,
    [property: JsonPropertyName("card_only")] IReadOnlyList<LengthErrorRow> CardOnly,
    [property: JsonPropertyName("calibrated")] IReadOnlyList<LengthErrorRow> Calibrated,
    [property: JsonPropertyName("online")] IReadOnlyList<LengthErrorRow> Online)
{
    /// <summary>Fits the length model on <paramref name="training"/> and measures the three planners on <paramref name="heldOut"/>.</summary>
    public static LengthCalibrationReport Of(ModelCard? card, IReadOnlyList<StepLength> training, IReadOnlyList<StepLength> heldOut,
        BudgetPlannerOptions? options = null)
    {
        var lengthModel = LengthCalibration.Derive(card, training);
        var calibrated = (card ?? new ModelCard()) with { LengthModel = lengthModel };
        return new(training, heldOut, lengthModel,
            LengthCalibration.Errors(LengthCalibration.Fit(card, [], options), heldOut),
            LengthCalibration.Errors(LengthCalibration.Fit(calibrated, [], options), heldOut),
            LengthCalibration.Errors(LengthCalibration.Fit(card, training, options), heldOut));
    }

    /// <summary>The fitted length model and the three tables, as Markdown.</summary>
    public string ToMarkdown()
    {
        var m = LengthModel;
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"length model from {Training.Count} training steps: γ = 1 CoT {m.CotTokens:0.0} tokens at {m.QuestionTokens:0.0} question tokens, ")
            .Append(CultureInfo.InvariantCulture, $"{m.CotTokensPerQuestionToken:+0.00;-0.00} per question token, spread {m.CotSpread:0.0}; answer {m.AnswerTokens:0.0} tokens\n\n");
        Table(text, "card as it is", CardOnly);
        Table(text, "card calibrated on the training steps", Calibrated);
        Table(text, $"card as it is, then {Training.Count} training steps learned online", Online);
        return text.ToString();
    }

    private void Table(StringBuilder text, string planner, IReadOnlyList<LengthErrorRow> rows)
    {
        text.Append(CultureInfo.InvariantCulture, $"planner: {planner}; {HeldOut.Count} held-out steps\n\n")
            .Append("| γ | steps | mean tokens | mean predicted | mean signed error | mean absolute error |\n")
            .Append("| ---: | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (var r in rows)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {r.Gamma:0.0} | {r.Steps} | {r.MeanTokens:0.0} | {r.MeanPredicted:0.0} | {r.MeanSignedError:+0.0;-0.0;0.0} | {r.MeanAbsoluteError:0.0} |\n");
        }

        text.Append('\n');
    }
}
