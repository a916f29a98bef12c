using TokenSkip.Core.Generation;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Transformer;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TokenSkip.Models.Tests.Inference;

/// <summary>The cached, batched generation path computes what a plain full-sequence forward pass computes.</summary>
public sealed class GenerationConsistencyTests
{
    private static readonly int[][] Prompts = [[5, 17, 3], [40, 2, 9, 11, 60, 7, 8], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]];

    [Fact]
    public void IncrementalDecodingWithCacheEqualsFullRecomputation()
    {
        using var model = TinyModels.Create();
        using var noGrad = no_grad();
        using var cache = model.CreateCache(1, 64);
        var sequence = new List<int>(Prompts[1]);

        using var first = model.Prefill(cache, 0, sequence);
        var cached = new List<float[]> { first[0].data<float>().ToArray() };
        for (var step = 0; step < 10; step++)
        {
            var next = (int)first.argmax(-1).item<long>();
            sequence.Add(next);
            using var logits = model.DecodeStep(cache, [0], [next]);
            cached.Add(logits[0].data<float>().ToArray());
        }

        using var full = model.Forward(tensor(sequence.Select(i => (long)i).ToArray()).unsqueeze(0));
        for (var i = 0; i < cached.Count; i++)
        {
            var position = Prompts[1].Length - 1 + i;
            var reference = full[0, position].data<float>().ToArray();
            Assert.True(MaxAbsDiff(reference, cached[i]) < 1e-4, $"position {position}: {MaxAbsDiff(reference, cached[i])}");
        }
    }

    [Fact]
    public void ChunkedPrefillEqualsOnePrefill()
    {
        using var model = TinyModels.Create();
        using var noGrad = no_grad();
        using var whole = model.CreateCache(1, 32);
        using var chunked = model.CreateCache(1, 32);
        var ids = Prompts[2];

        using var expected = model.Prefill(whole, 0, ids);
        model.Prefill(chunked, 0, ids[..5]).Dispose();
        using var actual = model.Prefill(chunked, 0, ids[5..]);

        Assert.True(MaxAbsDiff(expected.data<float>().ToArray(), actual.data<float>().ToArray()) < 1e-4);
    }

    [Theory]
    [InlineData(0.0, null)]
    [InlineData(0.8, 1234)]
    public void BatchOfDifferentLengthsEqualsOneByOne(double temperature, int? seed)
    {
        using var model = TinyModels.Create();
        var generator = new TextGenerator(model);
        var options = new GenerationOptions { MaxNewTokens = 12, Temperature = temperature, Seed = seed, TopK = 20, IgnoreEndOfSequence = true };

        var batch = generator.GenerateBatch(Prompts, options);
        var single = Prompts.Select(p => generator.Generate(p, options)).ToArray();

        for (var i = 0; i < Prompts.Length; i++)
        {
            Assert.Equal(single[i].OutputIds, batch[i].OutputIds);
            Assert.Equal(12, batch[i].OutputIds.Count);
        }
    }

    [Fact]
    public void RowsFinishingEarlyDoNotDisturbTheOthers()
    {
        using var model = TinyModels.Create();
        var generator = new TextGenerator(model);
        var greedy = generator.Generate(Prompts[0], new GenerationOptions { MaxNewTokens = 8, IgnoreEndOfSequence = true });
        // Stop the first prompt at its third greedy token, so the batch continues with the other rows only.
        var stopId = greedy.OutputIds[2];
        var options = new GenerationOptions { MaxNewTokens = 8, IgnoreEndOfSequence = true, StopTokenIds = [stopId] };

        var batch = generator.GenerateBatch(Prompts, options);
        var single = Prompts.Select(p => generator.Generate(p, options)).ToArray();

        Assert.Equal(FinishReason.Stop, batch[0].FinishReason);
        Assert.Equal(stopId, batch[0].OutputIds[^1]);
        Assert.True(batch[0].OutputIds.Count <= 3);
        for (var i = 0; i < Prompts.Length; i++)
        {
            Assert.Equal(single[i].OutputIds, batch[i].OutputIds);
        }
    }

    [SkippableFact]
    public void BFloat16AgreesWithFloat32WithinBFloat16Tolerance()
    {
        // A real pretrained model: its activations are what bf16 tolerance is about (random weights amplify errors).
        var folder = TestSupport.SharedAssets.Require("models/stories260k");
        using var fp32 = CausalLanguageModel.Load(folder);
        using var bf16 = CausalLanguageModel.Load(folder, new Runtime.ModelLoadOptions { DType = ScalarType.BFloat16 });
        var prompt = new[] { 1, 317, 272, 277, 264, 261, 352, 266, 268, 388 };
        using var ids = tensor(prompt.Select(i => (long)i).ToArray()).unsqueeze(0);

        using var reference = fp32.Forward(ids);
        using var reduced = bf16.Forward(ids);

        Assert.Equal(ScalarType.BFloat16, bf16.Body.EmbeddingWeight.dtype);
        var scale = reference.abs().max().item<float>();
        var maxDiff = (reference - reduced).abs().max().item<float>();
        // bf16 keeps 8 significant bits (relative step 2^-8, about 0.4%); five layers accumulate a few steps.
        Assert.True(maxDiff < 0.03 * scale, $"max |diff| {maxDiff} vs logit scale {scale}");
        Assert.True(maxDiff > 0, "bf16 and fp32 paths should not be bit-identical (was bf16 actually used?)");
        var options = new GenerationOptions { MaxNewTokens = 16 };
        var greedy32 = new TextGenerator(fp32).Generate(prompt, options).OutputIds;
        var greedy16 = new TextGenerator(bf16).Generate(prompt, options).OutputIds;
        Assert.Equal(greedy32.Take(8), greedy16.Take(8));
    }

    [Fact]
    public void HundredGenerateCallsLeakNoTensors()
    {
        using var model = TinyModels.Create();
        var generator = new TextGenerator(model, new CharTokenizer());
        var options = new GenerationOptions { MaxNewTokens = 4, Temperature = 0.7, Seed = 5, TopP = 0.9, RepetitionPenalty = 1.2 };
        generator.Generate(Prompts[0], options); // warm up lazily built tables

        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 0; i < 100; i++)
        {
            generator.GenerateBatch(Prompts, options);
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    private static float MaxAbsDiff(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
}
