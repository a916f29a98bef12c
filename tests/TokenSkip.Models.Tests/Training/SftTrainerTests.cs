using System.Text.Json;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Lora;
using TokenSkip.Models.Tests.Lora;
using TokenSkip.Models.Training;
using TokenSkip.Models.Transformer;
using TokenSkip.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TokenSkip.Models.Tests.Training;

public sealed class SftTrainerTests
{
    [SkippableFact]
    public void LossFallsWhenOverfittingAFewSamplesOnTheTinyQwenFixture()
    {
        var fixture = SharedAssets.Require("fixtures/qwen2-tiny-tied");
        using var folder = new TempFolder();
        using var model = CausalLanguageModel.Load(fixture);
        using var adapter = LoraAdapter.Create(model, new LoraConfig(), seed: 1);
        var options = new SftOptions { LearningRate = 1e-2, WarmupRatio = 0, BatchSize = 4, MicroBatchSize = 2, MaxSteps = 8, SaveSteps = 0 };
        var losses = new List<double>();

        TrainingResult result;
        using (no_grad()) // the trainer turns gradients on for itself
        {
            result = new SftTrainer(model, new LoraTrainingTarget(adapter), options)
                .Train(Examples(4, vocabulary: 320, seed: 5), folder.Path, onProgress: p => losses.Add(p.Loss));
        }

        Assert.Equal(8, result.Steps);
        Assert.Equal(8, losses.Count);
        Assert.True(losses[^1] < 0.5 * losses[0], $"loss went from {losses[0]:F3} to {losses[^1]:F3}");
        Assert.True(File.Exists(folder.Combine("adapter_model.safetensors")));
        Assert.True(File.Exists(folder.Combine("checkpoint-8", "trainer_state.json")));
    }

    [Fact]
    public void FirstStepLossIsTheMeanCrossEntropyOfCompletionTokens()
    {
        using var folder = new TempFolder();
        using var model = TinyModels.Create();
        var examples = Examples(3, vocabulary: 96, seed: 2);
        var expected = HandLoss(model, examples);
        using var adapter = LoraAdapter.Create(model, new LoraConfig(), seed: 1); // B = 0: the first forward is the base model's
        var losses = new List<double>();

        new SftTrainer(model, new LoraTrainingTarget(adapter), Options() with { BatchSize = 4, MicroBatchSize = 2, MaxSteps = 1 })
            .Train(examples, folder.Path, onProgress: p => losses.Add(p.Loss));

        Assert.Equal(expected, losses[0], 4);
    }

    [Fact]
    public void AccumulatedMicroBatchesEqualOneBatch()
    {
        var examples = Examples(4, vocabulary: 96, seed: 3);
        var (lossOne, normOne) = FirstStep(examples, microBatch: 1);
        var (lossFour, normFour) = FirstStep(examples, microBatch: 4);

        Assert.True(Math.Abs(lossFour - lossOne) < 1e-5 * lossOne, $"{lossOne} vs {lossFour}");
        Assert.True(Math.Abs(normFour - normOne) < 1e-5 * normOne, $"{normOne} vs {normFour}");
    }

    [Fact]
    public void AResumedRunEqualsAnUninterruptedOne()
    {
        using var folder = new TempFolder();
        var examples = Examples(6, vocabulary: 96, seed: 4);
        var options = Options() with { BatchSize = 4, MicroBatchSize = 2, Epochs = 3, SaveSteps = 2, SaveTotalLimit = 5 };
        var loraConfig = new LoraConfig { Dropout = 0.1 }; // dropout makes the random stream part of the state

        var uninterrupted = TrainLora(folder.Combine("a"), examples, options, loraConfig);

        // Interrupted after step 3 (mid-epoch, between periodic checkpoints): cancelling writes checkpoint-3.
        using var cancel = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() =>
            TrainLora(folder.Combine("b"), examples, options, loraConfig, onProgress: p => { if (p.Step == 3) cancel.Cancel(); }, token: cancel.Token));
        Assert.True(Directory.Exists(folder.Combine("b", "checkpoint-3")));
        var resumed = TrainLora(folder.Combine("b"), examples, options, loraConfig, resume: true);

        // Resumed from a periodic checkpoint copied into a fresh folder.
        CopyFolder(folder.Combine("a", "checkpoint-4"), folder.Combine("c", "checkpoint-4"));
        var fromCopy = TrainLora(folder.Combine("c"), examples, options, loraConfig, resume: true);

        Assert.Equal(6, uninterrupted.Result.Steps);
        Assert.Equal(3, resumed.Result.ResumedFromStep);
        Assert.Equal(4, fromCopy.Result.ResumedFromStep);
        Assert.Contains(uninterrupted.Weights.Values, w => w.Any(v => v != 0));
        foreach (var other in new[] { resumed.Weights, fromCopy.Weights })
        {
            Assert.Equal(uninterrupted.Weights.Keys, other.Keys);
            foreach (var (key, values) in uninterrupted.Weights)
            {
                Assert.True(LoraAdapterTests.MaxDifference(values, other[key]) <= 1e-6, key);
            }
        }

        using var state = JsonDocument.Parse(File.ReadAllText(folder.Combine("a", "checkpoint-4", "trainer_state.json")));
        Assert.Equal(4, state.RootElement.GetProperty("global_step").GetInt32());
        Assert.Equal(2, state.RootElement.GetProperty("epoch").GetInt32());
        Assert.Equal(6, state.RootElement.GetProperty("data_order").GetArrayLength());
    }

    [Fact]
    public void ResumingChecksTheSettingsAndAFreshRunRefusesOldCheckpoints()
    {
        using var folder = new TempFolder();
        var examples = Examples(2, vocabulary: 96, seed: 6);
        TrainLora(folder.Path, examples, Options() with { MaxSteps = 2 }, new LoraConfig());

        Assert.Throws<InvalidOperationException>(() => TrainLora(folder.Path, examples, Options() with { MaxSteps = 2 }, new LoraConfig()));
        var error = Assert.Throws<ModelFormatException>(() =>
            TrainLora(folder.Path, examples, Options() with { MaxSteps = 2, LearningRate = 1e-4 }, new LoraConfig(), resume: true));
        Assert.Contains("settings.learning_rate", error.Message);
        Assert.Contains("trainer_state.json", error.Message);
    }

    [Fact]
    public void FullTrainingLowersTheLossAndSavesALoadableModel()
    {
        using var folder = new TempFolder();
        using var model = TinyModels.Create();
        var losses = new List<double>();
        var options = Options() with { LearningRate = 3e-3, BatchSize = 2, MaxSteps = 8, MaxLength = 40, Batching = BatchingMode.Packing };
        var examples = Enumerable.Range(0, 8).Select(i => new TrainingExample([], Examples(1, 96, seed: 10 + i)[0].CompletionIds)).ToList();

        new SftTrainer(model, new FullTrainingTarget(model), options).Train(examples, folder.Path, onProgress: p => losses.Add(p.Loss));

        Assert.True(losses[^1] < 0.8 * losses[0], $"loss went from {losses[0]:F3} to {losses[^1]:F3}");
        Assert.All(model.parameters(), p => Assert.False(p.requires_grad));
        using var saved = CausalLanguageModel.Load(folder.Path);
        Assert.Equal(LoraAdapterTests.Logits(model), LoraAdapterTests.Logits(saved));
    }

    [Fact]
    public void BFloat16WeightsTrainWithFloat32MasterWeightsAndResumeExactly()
    {
        using var folder = new TempFolder();
        var options = Options() with { LearningRate = 3e-3, BatchSize = 2, MaxSteps = 6, SaveSteps = 3, SaveTotalLimit = 3, MaxLength = 40, Batching = BatchingMode.Packing };
        var examples = Enumerable.Range(0, 8).Select(i => new TrainingExample([], Examples(1, 96, seed: 20 + i)[0].CompletionIds)).ToList();
        float[] Train(string output, bool resume, Action<TrainingProgress>? onProgress = null, CancellationToken token = default)
        {
            using var model = TinyModels.Create(dtype: ScalarType.BFloat16);
            new SftTrainer(model, new FullTrainingTarget(model), options).Train(examples, output, resume, onProgress, token);
            using var weight = model.Body.Layers[0].FeedForward.UpProjection.Weight.to_type(ScalarType.Float32);
            return weight.data<float>().ToArray();
        }

        var losses = new List<double>();
        var uninterrupted = Train(folder.Combine("a"), resume: false, p => losses.Add(p.Loss));
        using var cancel = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => Train(folder.Combine("b"), false, p => { if (p.Step == 4) cancel.Cancel(); }, cancel.Token));
        var resumed = Train(folder.Combine("b"), resume: true);

        Assert.True(losses[^1] < 0.8 * losses[0], $"loss went from {losses[0]:F3} to {losses[^1]:F3}");
        Assert.Equal(uninterrupted, resumed);
        var optimizerState = SafeTensorsFile.Open(Path.Combine(folder.Combine("b", "checkpoint-4"), TrainingCheckpoint.OptimizerFileName));
        Assert.Equal(ScalarType.Float32, optimizerState.Entries["model.layers.0.mlp.up_proj.weight.master"].ScalarType);
    }

    [Fact]
    public void StepsDoNotAccumulateLiveTensors()
    {
        var examples = Examples(4, vocabulary: 96, seed: 8);
        long LiveAfter(int steps)
        {
            using var folder = new TempFolder();
            using var model = TinyModels.Create();
            using var adapter = LoraAdapter.Create(model, new LoraConfig(), seed: 1);
            var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            new SftTrainer(model, new LoraTrainingTarget(adapter), Options() with { BatchSize = 2, MaxSteps = steps }).Train(examples, folder.Path);
            return DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
        }

        Assert.Equal(LiveAfter(1), LiveAfter(3));
    }

    private static SftOptions Options() => new() { LearningRate = 5e-3, WarmupRatio = 0, SaveSteps = 0, Seed = 9 };

    private static (double Loss, double GradNorm) FirstStep(IReadOnlyList<TrainingExample> examples, int microBatch)
    {
        using var folder = new TempFolder();
        using var model = TinyModels.Create();
        using var adapter = LoraAdapter.Create(model, new LoraConfig(), seed: 1);
        TrainingProgress? first = null;
        new SftTrainer(model, new LoraTrainingTarget(adapter), Options() with { BatchSize = 4, MicroBatchSize = microBatch, MaxSteps = 1 })
            .Train(examples, folder.Path, onProgress: p => first ??= p);
        return (first!.Loss, first.GradNorm);
    }

    private static (TrainingResult Result, Dictionary<string, float[]> Weights) TrainLora(string output, IReadOnlyList<TrainingExample> examples,
        SftOptions options, LoraConfig config, bool resume = false, Action<TrainingProgress>? onProgress = null, CancellationToken token = default)
    {
        using var model = TinyModels.Create();
        using var adapter = LoraAdapter.Create(model, config, seed: options.Seed);
        var result = new SftTrainer(model, new LoraTrainingTarget(adapter), options).Train(examples, output, resume, onProgress, token);
        var file = SafeTensorsFile.Open(Path.Combine(output, LoraAdapter.WeightsFileName));
        var weights = file.Entries.Keys.ToDictionary(k => k, k =>
        {
            using var t = file.Read(k);
            return t.data<float>().ToArray();
        });
        return (result, weights);
    }

    // Mean next-token cross-entropy over completion tokens, from the model's logits, one example at a time.
    private static double HandLoss(CausalLanguageModel model, IReadOnlyList<TrainingExample> examples)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double total = 0;
        var count = 0;
        foreach (var example in examples)
        {
            var ids = example.PromptIds.Concat(example.CompletionIds).ToArray();
            var logProbabilities = model.Forward(tensor(ids.Select(i => (long)i).ToArray()).unsqueeze(0))[0].log_softmax(-1);
            for (var t = example.PromptIds.Length; t < ids.Length; t++)
            {
                total -= logProbabilities[t - 1, ids[t]].item<float>();
                count++;
            }
        }

        return total / count;
    }

    internal static List<TrainingExample> Examples(int count, int vocabulary, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => new TrainingExample(
            Enumerable.Range(0, random.Next(3, 7)).Select(_ => random.Next(vocabulary)).ToArray(),
            Enumerable.Range(0, random.Next(4, 9)).Select(_ => random.Next(vocabulary)).ToArray())).ToList();
    }

    private static void CopyFolder(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }
    }
}
