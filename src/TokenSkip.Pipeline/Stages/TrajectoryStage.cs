using System.Globalization;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Core.IO;
using TokenSkip.Core.Prompts;
using TokenSkip.Pipeline.Data;
using TokenSkip.Pipeline.Generation;

namespace TokenSkip.Pipeline.Stages;

/// <summary>
/// Stage 1 of TokenSkip: the target model answers every training question (greedy, TokenSkip prompt at γ = 1), with
/// <see cref="TrajectoryOptions.BatchSize"/> questions in flight at once so a continuous-batching engine decodes them
/// together. Each answer is appended to the output jsonl the moment it finishes, so an interrupted run resumes where it
/// stopped and never redoes a finished id.
/// </summary>
public sealed class TrajectoryStage
{
    /// <summary>The stage's name in progress reports and provenance.</summary>
    public const string Name = "trajectories";

    private readonly IGenerationEngine _engine;
    private readonly TrajectoryOptions _options;
    private readonly string _model;

    /// <summary>Creates the stage over the target model's engine.</summary>
    /// <param name="engine">The target model (e.g. a <c>LocalGenerationEngine</c> with at least <see cref="TrajectoryOptions.BatchSize"/> slots).</param>
    /// <param name="options">Batch size, token limit, ratio.</param>
    /// <param name="modelFolder">
    /// The target model's folder, recorded in the output's provenance (a resumed run must name the same one); null records
    /// the engine's model id.
    /// </param>
    public TrajectoryStage(IGenerationEngine engine, TrajectoryOptions? options = null, string? modelFolder = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
        _options = options ?? new TrajectoryOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.BatchSize, 1, nameof(options));
        _model = modelFolder is null ? engine.Info.ModelId : Path.GetFullPath(modelFolder);
    }

    /// <summary>Every prompt the stage sends a <paramref name="family"/> model for <paramref name="problems"/>.</summary>
    public static IEnumerable<string> PromptsFor(IEnumerable<Problem> problems, TrajectoryOptions options, ModelFamily family)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(options);
        return problems.Select(p => TokenSkipPromptBuilder.BuildPrompt(family, p.Question, options.Ratio));
    }

    /// <summary>Generates answers for every problem not yet in <paramref name="outputPath"/>; returns how many were written.</summary>
    /// <exception cref="InvalidOperationException">The output was started with different settings.</exception>
    public int Run(IReadOnlyList<Problem> problems, string outputPath, IProgress<StageProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var info = _engine.Info;
        StageOutput.Begin(outputPath, Provenance());

        var done = JsonLines.Read<TrajectoryRecord>(outputPath).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var pending = problems.Where(p => !done.Contains(p.Id)).ToList();
        var finished = problems.Count - pending.Count;
        progress?.Report(new StageProgress(Name, finished, problems.Count));

        var options = TurnEndOptions.For(info, _options.MaxNewTokens);
        var written = 0;
        ConcurrentGeneration.Run(_engine, pending, problem => new GenerationRequest
        {
            PromptText = TokenSkipPromptBuilder.BuildPrompt(info.Family, problem.Question, _options.Ratio),
            Options = options,
        }, _options.BatchSize, (problem, completion) =>
        {
            JsonLines.Append(outputPath, new TrajectoryRecord(problem.Id, problem.Question, problem.Answer, completion.Text,
                completion.Usage.PromptTokens, completion.Usage.CompletionTokens, completion.FinishReason == FinishReason.Stop ? "stop" : "length"));
            written++;
            progress?.Report(new StageProgress(Name, ++finished, problems.Count, problem.Id));
        }, cancellationToken);

        return written;
    }

    private Provenance Provenance() => new()
    {
        Stage = Name,
        Model = _model,
        Ratios = [_options.Ratio.Value],
        Settings = new Dictionary<string, string>
        {
            ["max_new_tokens"] = _options.MaxNewTokens.ToString(CultureInfo.InvariantCulture),
            ["decoding"] = "greedy",
            ["prompt"] = "tokenskip",
        },
    };
}
