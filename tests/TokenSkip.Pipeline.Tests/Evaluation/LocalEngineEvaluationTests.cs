using TokenSkip.Core.Compression;
using System.Text.Json;
using TokenSkip.Core;
using TokenSkip.Core.Answers;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Loading;
using TokenSkip.Pipeline.Evaluation;
using TokenSkip.Pipeline.Generation;
using TokenSkip.Pipeline.Synthetic;
using TokenSkip.TestSupport;
using TokenSkip.TestSupport.Models;
using Xunit;

namespace TokenSkip.Pipeline.Tests.Evaluation;

/// <summary>
/// An evaluation over the in-process engine, with requests batched together, stores for every sample exactly what the
/// evaluation produced before it ran on the engine abstraction: the model's greedy answer to that prompt alone, ending at
/// the template's end of turn, scored and counted with the model's tokenizer.
/// </summary>
public sealed class LocalEngineEvaluationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void EveryRecordIsWhatTheModelGeneratesForItsPromptAlone()
    {
        TorchSharp.torch.set_num_threads(1);
        var modelFolder = TinyQwen.Write(_folder.Combine("model"));
        var path = _folder.Combine("data.jsonl");
        File.WriteAllLines(path, WordProblemGenerator.Generate(seed: 9, count: 6)
            .Select((p, i) => JsonSerializer.Serialize(new { question = p.Question, answer = p.Answer, id = $"s{i}" })));
        var dataset = EvaluationDataset.Load(path);
        var options = new EvaluationOptions
        {
            Ratios = [CompressionRatio.Uncompressed, new CompressionRatio(0.5)],
            IncludeBaselines = true,
            MaxNewTokens = 24,
            BatchSize = 3,
            LatencySamples = 2,
        };
        var store = EvaluationStore.Open(_folder.Combine("eval"), new EvaluationRunInfo(path, modelFolder, options.MaxNewTokens));
        var bundle = ModelBundle.Load(modelFolder);
        EvaluationReport report;
        using (var engine = StageEngine.Create(bundle, options.BatchSize, options.MaxNewTokens, EvaluationRunner.PromptsFor(dataset.Samples, options, bundle.Family)))
        {
            report = new EvaluationRunner(engine, options).Run(dataset, store);
        }

        using var reference = ModelBundle.Load(modelFolder);
        var tokenizer = reference.Tokenizer;
        var generator = new TextGenerator(reference.Model, tokenizer);
        var stopIds = TemplateStopTokens.Resolve(ChatTemplates.For(ModelFamily.Qwen2), tokenizer);
        Assert.NotEmpty(stopIds);
        foreach (var stage in options.Stages())
        {
            foreach (var sample in dataset.Samples)
            {
                var record = store.Find(stage, sample.Id)!;
                var limit = stage.Method == EvaluationMethod.Truncation
                    ? stage.TruncationCap(store.Find(EvaluationStage.OriginalModel, sample.Id)!.GeneratedTokens)
                    : options.MaxNewTokens;
                var alone = generator.Generate(TokenSkipPromptBuilder.BuildPrompt(ModelFamily.Qwen2, sample.Question, stage.PromptRatio),
                    new GenerationOptions { MaxNewTokens = limit, StopTokenIds = stopIds });

                Assert.Equal(alone.Text, record.Output);
                Assert.Equal(alone.Usage.CompletionTokens, record.GeneratedTokens);
                Assert.Equal(alone.FinishReason == FinishReason.Stop ? "stop" : "length", record.FinishReason);
                Assert.Equal(limit, record.MaxNewTokens);
                Assert.Equal(AnswerScorer.Score(alone.Text!, sample.Answer, sample.Question).IsCorrect, record.Correct);
                Assert.Equal(tokenizer.Encode(AnswerSuffix.Split(alone.Text!).Body).Count, record.CotTokens);
            }
        }

        Assert.Equal(options.Stages().Count, report.Results.Count);
        Assert.All(report.Results, row => Assert.Equal(6, row.Samples));
    }
}
