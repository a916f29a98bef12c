using TokenSkip.Core.Answers;
using Microsoft.Extensions.AI;
using TokenSkip.Core;
using TokenSkip.SemanticKernel;

namespace TokenSkip.Plugins.Worksheets;

/// <summary>
/// Runs a worksheet (several problems under one completion-token budget) step by step: the policy says how to ask (a
/// fixed γ, or the remaining budget for the client's turn policy to plan γ), the TokenSkip client answers and reports γ,
/// the tokens are charged, and the answer is checked.
/// </summary>
/// <param name="reasoner">A TokenSkip chat client (honours <c>compression_ratio</c>, <c>token_budget</c>, <c>token_budget_steps</c> and <c>MaxOutputTokens</c>, reports γ and usage).</param>
/// <param name="defaultMaxTokens">The cap for steps whose policy sets none (and the most any step may use).</param>
public sealed class WorksheetRunner(IChatClient reasoner, int defaultMaxTokens = 512)
{
    /// <summary>Runs <paramref name="problems"/> under <paramref name="budget"/> with <paramref name="policy"/>.</summary>
    /// <param name="problems">The worksheet.</param>
    /// <param name="budget">Completion tokens for the whole worksheet.</param>
    /// <param name="policy">Chooses how each step is asked for.</param>
    /// <param name="onStep">Called after each step (for live output).</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public async Task<WorksheetResult> RunAsync(IReadOnlyList<WorksheetProblem> problems, int budget, IWorksheetPolicy policy,
        Action<WorksheetStep>? onStep = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfNegative(budget);
        var steps = new List<WorksheetStep>(problems.Count);
        var left = budget;
        for (var i = 0; i < problems.Count; i++)
        {
            var problem = problems[i];
            var plan = policy.Plan(Math.Max(0, left), problems.Count - i, defaultMaxTokens);
            WorksheetStep step;
            if (plan.MaxOutputTokens < 1)
            {
                step = new WorksheetStep(i + 1, problem.Question, plan.Ratio ?? new CompressionRatio(CompressionRatio.MinValue), 0, 0, left,
                    string.Empty, problem.Answer, false, true, "skipped: no tokens left. " + plan.Explanation);
            }
            else
            {
                var response = await reasoner.GetResponseAsync(problem.Question, Options(plan), cancellationToken).ConfigureAwait(false);
                var report = response.AdditionalProperties ?? response.Messages.LastOrDefault()?.AdditionalProperties;
                var ratio = report?.TryGetValue(TokenSkipOptionKeys.CompressionRatio, out double gamma) == true
                    ? new CompressionRatio(gamma)
                    : plan.Ratio ?? CompressionRatio.Uncompressed;
                var cap = report?.TryGetValue(TokenSkipOptionKeys.MaxOutputTokens, out int limit) == true ? limit : plan.MaxOutputTokens;
                var explanation = report?.TryGetValue(TokenSkipOptionKeys.BudgetExplanation, out string? why) == true && why is not null
                    ? why
                    : plan.Explanation ?? string.Empty;
                var used = (int)(response.Usage?.OutputTokenCount ?? 0);
                left -= used;
                var truncated = response.FinishReason == ChatFinishReason.Length;
                var answer = AnswerExtractor.Extract(response.Text)?.Text ?? string.Empty;
                step = new WorksheetStep(i + 1, problem.Question, ratio, cap, used, left, answer, problem.Answer,
                    AnswerScorer.IsCorrect(response.Text, problem.Answer, problem.Question), truncated, explanation);
            }

            steps.Add(step);
            onStep?.Invoke(step);
        }

        return new WorksheetResult(policy.Name, budget, steps);
    }

    private static ChatOptions Options(StepPlan plan)
    {
        var properties = new AdditionalPropertiesDictionary();
        if (plan.Ratio is { } ratio)
        {
            properties[TokenSkipOptionKeys.CompressionRatio] = ratio.Value;
        }

        if (plan.TokenBudget is { } budget)
        {
            properties[TokenSkipOptionKeys.TokenBudget] = budget;
            properties[TokenSkipOptionKeys.BudgetSteps] = plan.BudgetSteps;
        }

        return new ChatOptions { MaxOutputTokens = plan.MaxOutputTokens, AdditionalProperties = properties };
    }
}
