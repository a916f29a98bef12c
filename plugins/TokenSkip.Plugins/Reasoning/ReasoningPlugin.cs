using TokenSkip.Core.Answers;
using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using TokenSkip.Core.Budgets;
using TokenSkip.SemanticKernel;

namespace TokenSkip.Plugins;

/// <summary>
/// TokenSkip as a reasoning tool for agents: <c>solve</c> a problem (optionally within a token budget, γ then chosen by
/// the planner) and <c>choose_compression_ratio</c> for a step of a longer task.
/// </summary>
public sealed class ReasoningPlugin
{
    private readonly IChatClient _reasoner;
    private readonly BudgetPlanner _planner;

    /// <summary>Creates the plugin over a TokenSkip chat client.</summary>
    /// <param name="reasoner">A client whose innermost model is a <see cref="TokenSkipChatClient"/> (or any client honouring <c>compression_ratio</c>/<c>token_budget</c>).</param>
    /// <param name="planner">The planner for <c>choose_compression_ratio</c>; null uses the client's own, else an uncalibrated one.</param>
    public ReasoningPlugin(IChatClient reasoner, BudgetPlanner? planner = null)
    {
        ArgumentNullException.ThrowIfNull(reasoner);
        _reasoner = reasoner;
        _planner = planner ?? reasoner.GetService<BudgetPlanner>() ?? new BudgetPlanner(null);
    }

    /// <summary>Solves one problem with step-by-step (compressed) reasoning.</summary>
    /// <param name="question">The problem.</param>
    /// <param name="budget">Most completion tokens to spend; null for no budget (γ = the client's default).</param>
    /// <param name="cancellationToken">Cancels generation.</param>
    [KernelFunction("solve")]
    [Description("Solves a math or reasoning problem step by step and returns the final answer, the compression ratio used and the tokens spent. Give a budget to cap the tokens; the compression ratio is then chosen to fit it.")]
    public async Task<SolveResult> SolveAsync(
        [Description("The problem to solve, stated in full.")] string question,
        [Description("Most completion tokens to spend (optional).")] int? budget = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(question);
        if (budget is < 1)
        {
            throw new ArgumentException($"budget must be at least 1 token; got {budget}.", nameof(budget));
        }

        var options = new ChatOptions();
        if (budget is { } tokens)
        {
            options.AdditionalProperties = new() { [TokenSkipOptionKeys.TokenBudget] = tokens };
            options.MaxOutputTokens = tokens;
        }

        var response = await _reasoner.GetResponseAsync(question, options, cancellationToken).ConfigureAwait(false);
        var properties = response.AdditionalProperties;
        var ratio = properties?.TryGetValue(TokenSkipOptionKeys.CompressionRatio, out double gamma) == true ? gamma : 1.0;
        var explanation = properties?.TryGetValue(TokenSkipOptionKeys.BudgetExplanation, out string? why) == true && why is not null
            ? why
            : string.Create(CultureInfo.InvariantCulture, $"γ={ratio} (no budget planning).");
        return new SolveResult(
            AnswerExtractor.Extract(response.Text)?.Text ?? string.Empty,
            ratio,
            (int)(response.Usage?.OutputTokenCount ?? 0),
            response.FinishReason == ChatFinishReason.Length ? "length" : "stop",
            response.Text,
            explanation);
    }

    /// <summary>Chooses γ for the next step of a budgeted task.</summary>
    /// <param name="remainingBudget">Completion tokens left for the whole task.</param>
    /// <param name="stepsLeft">Steps left, this one included.</param>
    /// <param name="question">The next step's question.</param>
    [KernelFunction("choose_compression_ratio")]
    [Description("Chooses the compression ratio (0.5 to 1.0) for the next reasoning step so that the remaining steps fit the remaining token budget; returns the ratio, the predicted tokens and a hard cap.")]
    public RatioChoice ChooseCompressionRatio(
        [Description("Completion tokens left for the whole task.")] int remainingBudget,
        [Description("Reasoning steps left, including this one (at least 1).")] int stepsLeft,
        [Description("The next step's question.")] string question)
    {
        ArgumentNullException.ThrowIfNull(question);
        if (remainingBudget < 0 || stepsLeft < 1)
        {
            throw new ArgumentException($"remaining_budget must be >= 0 and steps_left >= 1; got {remainingBudget} and {stepsLeft}.");
        }

        var decision = _planner.Plan(remainingBudget, stepsLeft, question);
        return new RatioChoice(decision.Ratio.Value, decision.PredictedTokens, decision.MaxOutputTokens, decision.FitsBudget, decision.Explanation);
    }
}
