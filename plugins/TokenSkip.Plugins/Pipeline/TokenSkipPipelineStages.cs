using System.Globalization;
using Microsoft.Extensions.AI;
using TokenSkip.Core;
using TokenSkip.Core.Answers;
using TokenSkip.Core.Calibration;
using TokenSkip.Core.Compression;
using TokenSkip.Core.Engine;
using TokenSkip.Core.IO;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Remote;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Loading;
using TokenSkip.Models.Lora;
using TokenSkip.Models.Training;
using TokenSkip.Pipeline.Data;
using TokenSkip.Pipeline.Generation;
using TokenSkip.Pipeline.Stages;
using TokenSkip.SemanticKernel;

namespace TokenSkip.Plugins;

/// <summary>
/// The stages on this project's libraries: <see cref="DatasetBuilder"/>, the LoRA <see cref="SftTrainer"/> with
/// TokenSkip's reference settings, and an evaluation that runs the model through <see cref="TokenSkipChatClient"/> at
/// each γ and writes the calibration the budget planner reads. Work runs on a background thread (TorchSharp scopes
/// are per thread). Given <see cref="OpenAICompatibleEngineOptions"/>, the evaluation sends its prompts to those replicas
/// (vLLM, llama.cpp's server, <c>tokenskip serve</c>) instead of loading the model: the model folder then supplies only
/// the family and the tokenizer. The endpoints are the host's choice, never the agent's.
/// </summary>
public sealed class TokenSkipPipelineStages : IPipelineStages
{
    // Evaluation requests in flight at once in process: what the local engine decodes together.
    private const int ConcurrentRequests = 8;

    private readonly OpenAICompatibleEngineOptions? _remote;

    /// <summary>Creates the stages.</summary>
    /// <param name="remote">Replicas to evaluate on (their concurrency is the requests in flight); null loads the model in process.</param>
    public TokenSkipPipelineStages(OpenAICompatibleEngineOptions? remote = null)
    {
        _remote = remote?.Validate();
    }

    /// <inheritdoc />
    public Task<string> BuildDataAsync(string filteredPath, string compressedPath, string outputFolder, ModelFamily family, int seed,
        IProgress<PipelineProgress> progress, CancellationToken cancellationToken) => Task.Run(() =>
    {
        var originals = JsonLines.Read<FilteredRecord>(filteredPath).ToList();
        var compressed = JsonLines.Read<CompressedRecord>(compressedPath).ToList();
        cancellationToken.ThrowIfCancellationRequested();
        progress.Report(new PipelineProgress(0, originals.Count, $"building from {originals.Count} trajectories"));
        var result = DatasetBuilder.Build(originals, compressed, outputFolder, family, seed, [filteredPath, compressedPath]);
        progress.Report(new PipelineProgress(result.Samples, result.Samples, "written"));
        return $"{result.Samples} samples written to {result.AlpacaPath} and {result.MessagesPath}";
    }, cancellationToken);

    /// <inheritdoc />
    public Task<string> TrainAdapterAsync(string modelFolder, string dataPath, string outputFolder, int epochs, int? maxSteps,
        IProgress<PipelineProgress> progress, CancellationToken cancellationToken) => Task.Run(() =>
    {
        using var bundle = ModelBundle.Load(modelFolder);
        var (family, tokenizer, model) = (bundle.Family, bundle.Tokenizer, bundle.Model);
        var endOfTurn = SftSampleRenderer.EndOfTurn(family);
        if (!tokenizer.TryGetTokenId(endOfTurn, out var padId))
        {
            throw new ArgumentException($"{modelFolder}: the tokenizer has no {endOfTurn} token");
        }

        var examples = SftDataFile.Read(dataPath, family).Select(s => TrainingExample.Encode(s, tokenizer)).ToList();
        var options = new SftOptions { Epochs = epochs, MaxSteps = maxSteps, PadTokenId = padId }.Validate();
        using var adapter = LoraAdapter.Create(model, new LoraConfig { BaseModelNameOrPath = modelFolder }.Validate(), options.Seed);
        var result = new SftTrainer(model, new LoraTrainingTarget(adapter), options).Train(examples, outputFolder, resume: true,
            p => progress.Report(new PipelineProgress(p.Step, p.TotalSteps, string.Create(CultureInfo.InvariantCulture, $"step {p.Step}/{p.TotalSteps}, loss {p.Loss:0.####}"))),
            cancellationToken);
        return string.Create(CultureInfo.InvariantCulture, $"adapter written to {outputFolder} ({result.Steps} steps, final loss {result.FinalLoss:0.####})");
    }, cancellationToken);

    /// <inheritdoc />
    public async Task<string> EvaluateAsync(string modelFolder, string problemsPath, string outputFolder, IReadOnlyList<CompressionRatio> ratios,
        int? limit, IProgress<PipelineProgress> progress, CancellationToken cancellationToken)
    {
        var problems = ProblemSet.Load(problemsPath, limit);
        var gammas = ratios.Append(CompressionRatio.Uncompressed).Distinct().OrderDescending().ToArray();
        IGenerationEngine engine = _remote is null
            ? await Task.Run(() => LocalGenerationEngine.Load(modelFolder), cancellationToken).ConfigureAwait(false)
            : RemoteStageEngine.Create(_remote, modelFolder);
        using var owned = (IDisposable)engine;
        var client = new TokenSkipChatClient(engine, new TokenSkipChatClientOptions { ObserveCompletions = false });
        var rows = new List<RatioCalibration>();
        var done = 0;
        var report = new Lock();
        using var inFlight = new SemaphoreSlim(_remote?.Concurrency ?? ConcurrentRequests);
        foreach (var gamma in gammas)
        {
            var correct = 0;
            var tokens = 0L;
            // The problems of one γ are asked concurrently, so the engine decodes them in one continuous batch.
            await Task.WhenAll(problems.Select(async problem =>
            {
                await inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    var response = await client.GetResponseAsync(problem.Question, new ChatOptions
                    {
                        AdditionalProperties = new() { [TokenSkipOptionKeys.CompressionRatio] = gamma.Value },
                    }, cancellationToken).ConfigureAwait(false);
                    var isCorrect = AnswerScorer.IsCorrect(response.Text, problem.Answer, problem.Question);
                    var cotTokens = engine.CountTokens(AnswerSuffix.Split(response.Text).Body);
                    lock (report)
                    {
                        correct += isCorrect ? 1 : 0;
                        tokens += cotTokens;
                        progress.Report(new PipelineProgress(++done, gammas.Length * problems.Count, string.Create(CultureInfo.InvariantCulture, $"γ={gamma}: {problem.Id}")));
                    }
                }
                finally
                {
                    inFlight.Release();
                }
            })).ConfigureAwait(false);

            rows.Add(new RatioCalibration(gamma.Value, 1.0, (double)correct / Math.Max(1, problems.Count), (double)tokens / Math.Max(1, problems.Count)));
        }

        var baseline = Math.Max(1e-9, rows[0].MeanCotTokens);
        var calibration = rows.Select(r => r with { ActualRatio = Math.Round(r.MeanCotTokens / baseline, 4) }).ToArray();
        Directory.CreateDirectory(outputFolder);
        new ModelCard
        {
            Description = $"calibration of {Path.GetFileName(modelFolder)} measured by the pipeline plugin",
            Calibration = calibration,
            Evaluation = new Dictionary<string, string>
            {
                ["data"] = problemsPath,
                ["samples"] = problems.Count.ToString(CultureInfo.InvariantCulture),
                ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            },
        }.Save(outputFolder);
        return string.Join("; ", calibration.Select(c => string.Create(CultureInfo.InvariantCulture,
            $"γ={c.Gamma}: accuracy {c.Accuracy:P1}, {c.MeanCotTokens:0} CoT tokens, actual ratio {c.ActualRatio:0.00}"))) + $" (written to {Path.Combine(outputFolder, ModelCard.FileName)})";
    }
}
