using System.Globalization;
using System.Text;
using TokenSkip.Core.Generation;
using TokenSkip.Core.IO;
using TokenSkip.Core.Prompts;
using TokenSkip.Models.Inference;
using TokenSkip.Pipeline.Data;

namespace TokenSkip.Pipeline.Stages;

/// <summary>
/// Stage 1 of TokenSkip: the target model answers every training question (batched, greedy, TokenSkip prompt at
/// γ = 1). Each answer is appended to the output jsonl the moment it finishes, so an interrupted run resumes
/// where it stopped and never redoes a finished id.
/// </summary>
public sealed class TrajectoryStage
{
    /// <summary>The stage's name in progress reports and provenance.</summary>
    public const string Name = "trajectories";

    private readonly TextGenerator _generator;
    private readonly TrajectoryOptions _options;

    /// <summary>Creates the stage over a generator whose model and tokenizer are the target model's.</summary>
    public TrajectoryStage(TextGenerator generator, TrajectoryOptions? options = null)
    {
        _generator = generator;
        _options = options ?? new TrajectoryOptions();
        if (generator.Tokenizer is null)
        {
            throw new ArgumentException("the trajectory stage needs the target model's tokenizer", nameof(generator));
        }
    }

    /// <summary>Generates answers for every problem not yet in <paramref name="outputPath"/>; returns how many were written.</summary>
    /// <exception cref="InvalidOperationException">The output was started with different settings.</exception>
    public int Run(IReadOnlyList<Problem> problems, string outputPath, IProgress<StageProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var model = _generator.Model;
        var family = ModelFamilies.FromHuggingFaceName(model.Config.ModelType);
        var template = ChatTemplates.For(family);
        var tokenizer = _generator.Tokenizer!;
        StageOutput.Begin(outputPath, Provenance());

        var done = JsonLines.Read<TrajectoryRecord>(outputPath).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var pending = problems.Where(p => !done.Contains(p.Id)).ToList();
        var finished = problems.Count - pending.Count;
        progress?.Report(new StageProgress(Name, finished, problems.Count));

        var stopIds = template.StopTokens.Select(t => tokenizer.TryGetTokenId(t, out var id) ? id : -1).Where(id => id >= 0).ToArray();
        var options = new GenerationOptions { MaxNewTokens = _options.MaxNewTokens, StopTokenIds = stopIds };
        var written = 0;
        foreach (var batch in pending.Chunk(_options.BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var prompts = batch.Select(p => tokenizer.Encode(TokenSkipPromptBuilder.BuildPrompt(family, p.Question, _options.Ratio))).ToArray();
            var texts = batch.Select(_ => new StringBuilder()).ToArray();
            _generator.GenerateBatch(prompts, options, update =>
            {
                texts[update.RequestIndex].Append(update.TextDelta);
                if (update.IsFinal)
                {
                    var problem = batch[update.RequestIndex];
                    JsonLines.Append(outputPath, new TrajectoryRecord(problem.Id, problem.Question, problem.Answer,
                        texts[update.RequestIndex].ToString(), update.Usage!.PromptTokens, update.Usage.CompletionTokens,
                        update.FinishReason == FinishReason.Stop ? "stop" : "length"));
                    written++;
                    progress?.Report(new StageProgress(Name, ++finished, problems.Count, problem.Id));
                }
            }, cancellationToken);
        }

        return written;
    }

    private Provenance Provenance() => new()
    {
        Stage = Name,
        Model = _generator.Model.SourceFolder,
        Ratios = [_options.Ratio.Value],
        Settings = new Dictionary<string, string>
        {
            ["max_new_tokens"] = _options.MaxNewTokens.ToString(CultureInfo.InvariantCulture),
            ["decoding"] = "greedy",
            ["prompt"] = "tokenskip",
        },
    };
}
