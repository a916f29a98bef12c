using Microsoft.Extensions.AI;
using TokenSkip.Core;
using TokenSkip.Core.Budgets;
using TokenSkip.Core.Compression;
using TokenSkip.SemanticKernel;

namespace TokenSkip.Plugins.Worksheets;

/// <summary>
/// Runs questions at fixed γ through a TokenSkip chat client, uncapped beyond its default limit, and records each step's
/// lengths (question, CoT, completion) for calibrating the budget planner (<see cref="LengthCalibration"/>).
/// </summary>
/// <param name="reasoner">A TokenSkip chat client (honours <c>compression_ratio</c>, reports usage).</param>
/// <param name="countTokens">Counts tokens in the model's tokenizer (questions and CoTs).</param>
/// <param name="maxOutputTokens">The completion limit; steps cut by it are left out, as the planner never learns from them.</param>
public sealed class StepLengthRecorder(IChatClient reasoner, Func<string, int> countTokens, int maxOutputTokens = 512)
{
    /// <summary>
    /// Answers every question at every γ in <paramref name="ratios"/> (question-major) and returns the steps that ended on
    /// their own; <see cref="StepLength.Question"/> is the question's index plus <paramref name="firstIndex"/>.
    /// </summary>
    public async Task<IReadOnlyList<StepLength>> RecordAsync(IReadOnlyList<string> questions, IReadOnlyList<CompressionRatio> ratios,
        int firstIndex = 0, Action<int>? onQuestion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(questions);
        ArgumentNullException.ThrowIfNull(ratios);
        var steps = new List<StepLength>(questions.Count * ratios.Count);
        for (var i = 0; i < questions.Count; i++)
        {
            var questionTokens = countTokens(questions[i]);
            foreach (var ratio in ratios)
            {
                var options = new ChatOptions
                {
                    MaxOutputTokens = maxOutputTokens,
                    AdditionalProperties = new AdditionalPropertiesDictionary { [TokenSkipOptionKeys.CompressionRatio] = ratio.Value },
                };
                var response = await reasoner.GetResponseAsync(questions[i], options, cancellationToken).ConfigureAwait(false);
                if (response.FinishReason == ChatFinishReason.Length)
                {
                    continue;
                }

                var completion = (int)(response.Usage?.OutputTokenCount ?? 0);
                var cot = Math.Min(countTokens(AnswerSuffix.Split(response.Text).Body), completion);
                steps.Add(new StepLength(ratio.Value, questionTokens, cot, completion, firstIndex + i));
            }

            onQuestion?.Invoke(i);
        }

        return steps;
    }
}
