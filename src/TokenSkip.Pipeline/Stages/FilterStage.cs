using TokenSkip.Core.Compression;
using System.Globalization;
using TokenSkip.Core.Answers;
using TokenSkip.Core.IO;
using TokenSkip.Core.Text;
using TokenSkip.Pipeline.Data;

namespace TokenSkip.Pipeline.Stages;

/// <summary>
/// Stage 2 of TokenSkip: keep only trajectories whose extracted answer is correct and whose CoT is short enough.
/// The CoT is the output before "\n\nThe final answer is:" (the whole output when the model did not write that
/// lead, as TokenSkip does for Qwen2.5); the build stage appends the answer line again. Written atomically.
/// </summary>
public static class FilterStage
{
    /// <summary>The stage's name in provenance.</summary>
    public const string Name = "filter";

    /// <summary>Filters <paramref name="trajectories"/> into <paramref name="outputPath"/>.</summary>
    public static FilterSummary Run(IReadOnlyList<TrajectoryRecord> trajectories, ITextTokenizer targetTokenizer, string outputPath,
        FilterOptions? options = null, IReadOnlyList<string>? inputs = null)
    {
        options ??= new FilterOptions();
        var kept = new List<FilteredRecord>();
        int incorrect = 0, truncated = 0, tooLong = 0;
        foreach (var trajectory in trajectories)
        {
            var score = AnswerScorer.Score(trajectory.Output, trajectory.Answer, trajectory.Question);
            if (!score.IsCorrect)
            {
                incorrect++;
                continue;
            }

            if (options.RequireStop && trajectory.FinishReason != "stop")
            {
                truncated++;
                continue;
            }

            var cot = AnswerSuffix.Split(trajectory.Output).Body;
            var tokens = targetTokenizer.Encode(cot).Count;
            if (tokens > options.MaxCotTokens)
            {
                tooLong++;
                continue;
            }

            kept.Add(new FilteredRecord(trajectory.Id, trajectory.Question, trajectory.Answer, score.Prediction!, cot, tokens));
        }

        JsonLines.WriteAll(outputPath, kept);
        new Provenance
        {
            Stage = Name,
            Inputs = inputs ?? [],
            Settings = new Dictionary<string, string>
            {
                ["max_cot_tokens"] = options.MaxCotTokens.ToString(CultureInfo.InvariantCulture),
                ["require_stop"] = options.RequireStop.ToString(CultureInfo.InvariantCulture),
            },
        }.WriteFor(outputPath);
        return new FilterSummary(trajectories.Count, incorrect, truncated, tooLong, kept.Count);
    }
}
