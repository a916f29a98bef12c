using TokenSkip.Core.Generation;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Loading;
using TokenSkip.Models.Lora;
using TokenSkip.Models.Quantization;
using TokenSkip.Models.Runtime;
using TokenSkip.Models.Tests.Lora;
using TokenSkip.Models.Transformer;
using TokenSkip.TestSupport;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TokenSkip.Models.Tests.Quantization;

/// <summary>Models whose weights are quantized at load: memory, the prefill and decode paths, LoRA on top, and greedy agreement with float32.</summary>
public sealed class QuantizedModelTests(ITestOutputHelper output)
{
    private static readonly long[] Prompt = [3, 17, 42, 5, 9, 60, 2, 33];

    [Fact]
    public void QuantizedWeightsReplaceTheFloatOnes()
    {
        using var model = TinyModels.Create();
        model.Quantize(QuantizationType.Q8_0);

        var names = model.named_parameters().Select(p => p.name).ToList();
        Assert.DoesNotContain(names, n => n.EndsWith("_proj.weight", StringComparison.Ordinal) || n == "model.embed_tokens.weight");
        Assert.Contains("model.norm.weight", names);
        Assert.Contains("model.layers.0.self_attn.q_proj.bias", names);
        Assert.All(model.modules().OfType<Projection>(), p => Assert.Equal(0, p.Weight.NumberOfElements));
        Assert.Equal(QuantizationType.Q8_0, model.Quantization);
        using var folder = new TempFolder();
        Assert.Throws<InvalidOperationException>(() => model.Save(folder.Path));
        model.Quantize(QuantizationType.Q4_0); // already quantized weights are left alone
        Assert.Equal(QuantizationType.Q8_0, model.Body.Layers[0].Attention.QueryProjection.QuantizedWeight!.Type);
    }

    [Theory]
    [InlineData(QuantizationType.Q8_0)]
    [InlineData(QuantizationType.Q4_0)]
    public void PrefillComputesTheFloatModelOfTheDequantizedWeights(QuantizationType type)
    {
        // Forward runs 8 rows: dequantized tiles through libtorch's GEMM, so it is the float model with W = dequantize(quantize(W)).
        using var reference = TinyModels.Create();
        using var quantized = TinyModels.Create();
        quantized.Quantize(type);
        using (no_grad())
        {
            foreach (var (projection, original) in quantized.modules().OfType<Projection>().Zip(reference.modules().OfType<Projection>()))
            {
                using var scope = NewDisposeScope();
                original.Weight.copy_(QuantizedLinear.Dequantize(projection.QuantizedWeight!, 0, projection.OutFeatures, ScalarType.Float32));
            }

            using var embedding = QuantizedLinear.Dequantize(quantized.Body.QuantizedEmbedding!, 0, 96, ScalarType.Float32);
            reference.Body.EmbeddingWeight.copy_(embedding);
        }

        var expected = LoraAdapterTests.Logits(reference);
        var actual = LoraAdapterTests.Logits(quantized);

        Assert.True(LoraAdapterTests.MaxDifference(expected, actual) <= 1e-4 * expected.Max(Math.Abs), $"{type}: {LoraAdapterTests.MaxDifference(expected, actual)}");
    }

    [Theory]
    [InlineData(QuantizationType.Q8_0)]
    [InlineData(QuantizationType.Q4_0)]
    public void DecodeRowsGoThroughTheKernelAndPrefillRowsThroughTiles(QuantizationType type)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(9);
        var weight = randn([200, 96], generator: generator);
        var bias = randn([200], generator: generator);
        var input = randn([1, 8, 96], generator: generator);
        using var matrix = TensorQuantizer.Quantize(weight, type);
        var dequantized = QuantizedLinear.Dequantize(matrix, 0, 200, ScalarType.Float32);
        var expected = nn.functional.linear(input, dequantized, bias);

        var tiles = QuantizedLinear.Apply(input, matrix, bias);
        var rows = cat(Enumerable.Range(0, 8).Select(t => QuantizedLinear.Apply(input.narrow(1, t, 1), matrix, bias)).ToArray(), 1);

        Assert.True(tiles.allclose(expected, rtol: 1e-5, atol: 1e-4));
        // The kernel quantizes each input row to 8 bits per block: about 1/254 of a block's largest value per input.
        var bound = matmul(input.abs().amax([-1], keepdim: true).expand(1, 8, 96) / 254, dequantized.abs().t()) + 1e-4;
        Assert.True((rows - expected).abs().le(bound).all().item<bool>(), $"max difference {(rows - expected).abs().max().item<float>()}");
        Assert.False(rows.allclose(expected, rtol: 0, atol: 1e-7), "the decode rows should have taken the 8-bit kernel, not the tiles");
    }

    [Fact]
    public void LoraAppliesUnmergedOnAQuantizedBase()
    {
        using var floatModel = TinyModels.Create();
        using var quantized = TinyModels.Create();
        quantized.Quantize(QuantizationType.Q8_0);
        var baseLogits = LoraAdapterTests.Logits(quantized);
        using var floatAdapter = LoraAdapter.Create(floatModel, new LoraConfig(), seed: 2);
        using var adapter = LoraAdapter.Create(quantized, new LoraConfig(), seed: 2);
        Randomize(floatAdapter);
        Randomize(adapter);

        var expected = LoraAdapterTests.Logits(floatModel);
        var actual = LoraAdapterTests.Logits(quantized);

        Assert.True(LoraAdapterTests.MaxDifference(baseLogits, actual) > 1e-2, "the adapter should change the quantized model's outputs");
        Assert.True(Cosine(expected, actual) >= 0.999, $"cosine {Cosine(expected, actual)}");
        Assert.Throws<NotSupportedException>(() => adapter.Merge());
    }

    [SkippableFact]
    public void TheEmbeddedModelsGreedyTokensAtQ8_0MatchFloat32()
    {
        var folder = DefaultModel.Find();
        Skip.If(folder is null, "the embedded model is not built");
        using var reference = ModelBundle.Load(folder!);
        using var quantized = ModelBundle.Load(folder!, new ModelBundleOptions { Load = new ModelLoadOptions { Quantize = QuantizationType.Q8_0 } });
        Assert.Equal(QuantizationType.Q8_0, quantized.Model.Quantization);
        var options = new GenerationOptions { MaxNewTokens = 24, IgnoreEndOfSequence = true };
        string[] prompts =
        [
            "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether?",
            "Weng earns $12 an hour for babysitting. Yesterday, she just did 50 minutes of babysitting. How much did she earn?",
            "A robe takes 2 bolts of blue fiber and half that much white fiber. How many bolts in total does it take?",
        ];

        var agreeing = 0;
        foreach (var prompt in prompts)
        {
            var expected = new TextGenerator(reference.Model, reference.Tokenizer).Generate(prompt, options).OutputIds;
            var actual = new TextGenerator(quantized.Model, quantized.Tokenizer).Generate(prompt, options).OutputIds;
            var same = expected.Zip(actual).TakeWhile(p => p.First == p.Second).Count();
            var margin = same < expected.Count ? TopTwoMargin(reference, prompt, expected.Take(same)) : double.NaN;
            output.WriteLine($"{same} of {expected.Count} greedy tokens equal{(same < expected.Count ? $"; float32's top-2 margin where they part: {margin:F3}" : string.Empty)}");
            // Greedy paths may part only where float32 itself nearly ties (8-bit activations move logits by ~0.1 here).
            Assert.True(same == expected.Count || margin < 0.25, $"greedy tokens part after {same} at a margin of {margin} for '{prompt[..20]}...'");
            agreeing += same == expected.Count ? 1 : 0;
        }

        Assert.True(agreeing >= 2, $"only {agreeing} of {prompts.Length} prompts agree on all tokens");
    }

    private static double TopTwoMargin(ModelBundle bundle, string prompt, IEnumerable<int> generated)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var ids = bundle.Tokenizer.Encode(prompt).Concat(generated).Select(i => (long)i).ToArray();
        var top = bundle.Model.Forward(tensor(ids).unsqueeze(0))[0, -1].topk(2).values.data<float>().ToArray();
        return top[0] - top[1];
    }

    private static void Randomize(LoraAdapter adapter)
    {
        using var noGrad = no_grad();
        var generator = new Generator(5);
        foreach (var (_, parameter) in adapter.NamedTensors())
        {
            parameter.copy_(randn(parameter.shape, generator: generator) * 0.2);
        }
    }

    private static double Cosine(IReadOnlyList<float> a, IReadOnlyList<float> b)
    {
        double dot = 0, aa = 0, bb = 0;
        for (var i = 0; i < a.Count; i++)
        {
            dot += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(aa * bb);
    }
}
