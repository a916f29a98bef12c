using TokenSkip.Core.Compression;
using TokenSkip.Core;
using TokenSkip.Core.Answers;
using TokenSkip.Core.Calibration;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;
using TokenSkip.Models;
using TokenSkip.Models.Configuration;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Loading;
using TokenSkip.Models.Transformer;
using TokenSkip.Pipeline.Synthetic;
using Xunit;

namespace TokenSkip.Pipeline.Tests;

/// <summary>
/// The shipped model (models/tokenskip-default) loads through the public loaders, stays within the repository's size
/// limit, carries its calibration, and still does what it was trained for on problems it has never seen.
/// </summary>
public sealed class EmbeddedModelTests
{
    private static string Folder => DefaultModel.Find()
        ?? throw new DirectoryNotFoundException("models/tokenskip-default is part of the repository and was not found above " + AppContext.BaseDirectory);

    [Fact]
    public void ItIsASmallQwen2CheckpointWithItsTokenizerAndCard()
    {
        var files = Directory.GetFiles(Folder).Select(Path.GetFileName).ToHashSet();
        Assert.Superset(new HashSet<string?> { "config.json", "model.safetensors", "tokenizer.json", ModelCard.FileName }, files);
        Assert.InRange(Directory.GetFiles(Folder).Sum(f => new FileInfo(f).Length), 1, 20L * 1024 * 1024);

        var config = TransformerConfig.Load(Folder);
        Assert.Equal(ModelArchitecture.Qwen2, config.Architecture);
        using var model = CausalLanguageModel.Load(Folder);
        Assert.InRange(model.parameters().Sum(p => p.numel()), 1_000_000, 10_000_000);
    }

    [Fact]
    public void TheCardCalibratesEveryTrainedRatioNearItsTarget()
    {
        var card = ModelCard.TryLoad(Folder) ?? throw new InvalidDataException("no tokenskip.json");

        Assert.Equal(CompressionRatio.TrainingRatios.Select(r => r.Value).OrderDescending(), card.Calibration.Select(c => c.Gamma).OrderDescending());
        foreach (var row in card.Calibration)
        {
            Assert.InRange(row.ActualRatio, row.Gamma - 0.08, row.Gamma + 0.08);
            Assert.InRange(row.Accuracy, 0.0, 1.0);
        }
    }

    [Fact]
    public void FreshProblemsAreSolvedAndAShorterRatioWritesAShorterChainOfThought()
    {
        // A seed no recipe uses, so these questions are new to the model.
        var problems = WordProblemGenerator.Generate(seed: 777, count: 16).ToList();
        // One intra-op thread: a few-million-parameter model decodes far faster without OpenMP workers spinning.
        TorchSharp.torch.set_num_threads(1);
        using var bundle = ModelBundle.Load(Folder);
        var tokenizer = bundle.Tokenizer;
        var generator = new TextGenerator(bundle.Model, tokenizer);
        var options = new GenerationOptions { MaxNewTokens = 300 };

        (int Correct, double CotTokens) Run(double gamma)
        {
            var prompts = problems.Select(p => (IReadOnlyList<int>)tokenizer.Encode(
                TokenSkipPromptBuilder.BuildPrompt(ModelFamily.Qwen2, p.Question, new CompressionRatio(gamma)))).ToList();
            var results = generator.GenerateBatch(prompts, options);
            var correct = results.Zip(problems).Count(x => AnswerScorer.IsCorrect(x.First.Text ?? "", x.Second.Answer));
            return (correct, results.Average(r => tokenizer.Encode(AnswerSuffix.Split(r.Text ?? "").Body).Count));
        }

        var full = Run(1.0);
        var half = Run(0.5);

        Assert.True(full.Correct >= 10, $"γ=1.0 solved {full.Correct} of {problems.Count}");
        Assert.True(half.Correct >= 6, $"γ=0.5 solved {half.Correct} of {problems.Count}");
        Assert.InRange(half.CotTokens / full.CotTokens, 0.35, 0.65);
    }
}
