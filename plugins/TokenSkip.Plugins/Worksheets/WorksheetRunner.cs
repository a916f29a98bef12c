using TokenSkip.Core.Answers;
using Microsoft.Extensions.AI;
using TokenSkip.Core.Compression;
using TokenSkip.SemanticKernel;

namespace TokenSkip.Plugins.Worksheets;

/// <summary>
/// Runs a worksheet (several problems under one completion-token budget) step by step: the policy picks γ and a cap, the
/// TokenSkip client answers, the tokens are charged, and the answer is checked.
/// </summary>
/// <param name="reasoner">A TokenSkip chat client (honours <c>compression_ratio</c> and <c>MaxOutputTokens</c>, reports usage).</param>
/// <param name="countTokens">Counts CoT tokens in the model's tokenizer, for policies that learn.</param>
/// <param name="defaultMaxTokens">The cap for steps whose policy sets none (and the most any step may use).</param>
public sealed class WorksheetRunner(IChatClient reasoner, Func<string, int> countTokens, int defaultMaxTokens = 512)
{
    /// <summary>Runs <paramref name="problems"/> under <paramref name="budget"/> with <paramref name="policy"/>.</summary>
    /// <param name="problems">The worksheet.</param>
    /// <param name="budget">Completion tokens for the whole worksheet.</param>
    /// <param name="policy">Chooses γ and caps.</param>
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
            var plan = policy.Plan(Math.Max(0, left), problems.Count - i, problem.Question, defaultMaxTokens);
            WorksheetStep step;
            if (plan.MaxOutputTokens < 1)
            {
                step = new WorksheetStep(i + 1, problem.Question, plan.Ratio, 0, 0, left, string.Empty, problem.Answer, false, true,
                    "skipped: no tokens left. " + plan.Explanation);
            }
            else
            {
                var response = await reasoner.GetResponseAsync(problem.Question, new ChatOptions
                {
                    MaxOutputTokens = plan.MaxOutputTokens,
                    AdditionalProperties = new() { [TokenSkipOptionKeys.CompressionRatio] = plan.Ratio.Value },
                }, cancellationToken).ConfigureAwait(false);
                var used = (int)(response.Usage?.OutputTokenCount ?? 0);
                left -= used;
                var truncated = response.FinishReason == ChatFinishReason.Length;
                var answer = AnswerExtractor.Extract(response.Text)?.Text ?? string.Empty;
                if (!truncated)
                {
                    var cot = Math.Min(countTokens(AnswerSuffix.Split(response.Text).Body), used);
                    policy.Observe(plan.Ratio, cot, used, problem.Question);
                }

                step = new WorksheetStep(i + 1, problem.Question, plan.Ratio, plan.MaxOutputTokens, used, left, answer, problem.Answer,
                    AnswerScorer.IsCorrect(response.Text, problem.Answer, problem.Question), truncated, plan.Explanation);
            }

            steps.Add(step);
            onStep?.Invoke(step);
        }

        return new WorksheetResult(policy.Name, budget, steps);
    }
}
