using System.Text.Json.Serialization;

namespace TokenSkip.Core.Budgets;

/// <summary>How well the planner's expected completion length matched held-out steps at one γ.</summary>
/// <param name="Gamma">γ.</param>
/// <param name="Steps">Held-out steps at this γ.</param>
/// <param name="MeanTokens">Their mean completion tokens.</param>
/// <param name="MeanPredicted">The mean of the planner's expected completion tokens for them (<see cref="BudgetPlanner.Expect"/>).</param>
/// <param name="MeanSignedError">Mean of predicted − actual: positive over-predicts, negative under-predicts.</param>
/// <param name="MeanAbsoluteError">Mean of |predicted − actual|.</param>
public sealed record LengthErrorRow(
    [property: JsonPropertyName("gamma")] double Gamma,
    [property: JsonPropertyName("steps")] int Steps,
    [property: JsonPropertyName("mean_tokens")] double MeanTokens,
    [property: JsonPropertyName("mean_predicted")] double MeanPredicted,
    [property: JsonPropertyName("mean_signed_error")] double MeanSignedError,
    [property: JsonPropertyName("mean_absolute_error")] double MeanAbsoluteError);
