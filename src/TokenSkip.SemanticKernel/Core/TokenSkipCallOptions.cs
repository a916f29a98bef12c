using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using TokenSkip.Core;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Turns;

namespace TokenSkip.SemanticKernel;

/// <summary>
/// The TokenSkip knobs of one call, read from <see cref="ChatOptions.AdditionalProperties"/>. Values may arrive as
/// double (Semantic Kernel turns every JSON number into one), int, long, decimal, float, invariant-culture strings or
/// <see cref="JsonElement"/>s; anything else, or a value out of range, is an <see cref="ArgumentException"/> that names
/// the key, never a silent clamp.
/// </summary>
/// <param name="Ratio">The requested γ, or null when the call did not set one.</param>
/// <param name="TokenBudget">The call's completion-token budget, or null.</param>
public sealed record TokenSkipCallOptions(CompressionRatio? Ratio, int? TokenBudget)
{
    /// <summary>The steps the budget must still cover, this one included (<c>token_budget_steps</c>); default 1.</summary>
    public int BudgetSteps { get; init; } = 1;

    /// <summary>Reads the call's knobs.</summary>
    /// <exception cref="ArgumentException">A value is not a number, not whole (budget), or out of range.</exception>
    public static TokenSkipCallOptions From(ChatOptions? options)
    {
        var properties = options?.AdditionalProperties;
        if (properties is null)
        {
            return new TokenSkipCallOptions(null, null);
        }

        CompressionRatio? ratio = null;
        if (properties.TryGetValue(TokenSkipOptionKeys.CompressionRatio, out var rawRatio) && rawRatio is not null)
        {
            try
            {
                // The range rule lives in the turn policy, one home for every door.
                ratio = TurnPolicy.CheckRatio(ToDouble(rawRatio, TokenSkipOptionKeys.CompressionRatio));
            }
            catch (InvalidRequestException e)
            {
                throw new ArgumentException(e.Message + ".", nameof(options), e);
            }
        }

        int? budget = null;
        if (properties.TryGetValue(TokenSkipOptionKeys.TokenBudget, out var rawBudget) && rawBudget is not null)
        {
            var value = ToDouble(rawBudget, TokenSkipOptionKeys.TokenBudget);
            if (!double.IsFinite(value) || value != Math.Floor(value) || value < 1 || value > int.MaxValue)
            {
                throw new ArgumentException(
                    $"{TokenSkipOptionKeys.TokenBudget} must be a whole number of tokens >= 1; got {Format(rawBudget)}.", nameof(options));
            }

            budget = (int)value;
        }

        var steps = 1;
        if (properties.TryGetValue(TurnReportKeys.BudgetSteps, out var rawSteps) && rawSteps is not null)
        {
            var value = ToDouble(rawSteps, TurnReportKeys.BudgetSteps);
            if (!double.IsFinite(value) || value != Math.Floor(value) || value < 1 || value > int.MaxValue)
            {
                throw new ArgumentException(
                    $"{TurnReportKeys.BudgetSteps} must be a whole number >= 1; got {Format(rawSteps)}.", nameof(options));
            }

            steps = (int)value;
        }

        return new TokenSkipCallOptions(ratio, budget) { BudgetSteps = steps };
    }

    private static double ToDouble(object value, string key) => value switch
    {
        double d => d,
        float f => f,
        decimal m => (double)m,
        int i => i,
        long l => l,
        short s => s,
        string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        JsonElement { ValueKind: JsonValueKind.Number } json => json.GetDouble(),
        JsonElement { ValueKind: JsonValueKind.String } json when double.TryParse(json.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw new ArgumentException($"{key} must be a number; got {Format(value)}.", "options"),
    };

    private static string Format(object value) => value switch
    {
        string text => $"'{text}'",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => $"a {value.GetType().Name} ({value})",
    };
}
