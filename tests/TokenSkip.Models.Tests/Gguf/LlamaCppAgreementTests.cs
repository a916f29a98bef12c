using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;
using TokenSkip.Core.Generation;
using TokenSkip.Models.Export;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Loading;
using TokenSkip.Models.Transformer;
using TokenSkip.Models.Quantization;
using TokenSkip.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace TokenSkip.Models.Tests.Gguf;

/// <summary>
/// llama.cpp (through LLamaSharp, in this process) loads the embedded model as <see cref="GgufModelExport"/> writes it,
/// tokenizes text as TokenSkip does, and decodes the same greedy tokens.
/// </summary>
public sealed class LlamaCppAgreementTests(ITestOutputHelper output)
{
    // The native library is configured once per process (LLamaSharp refuses changes after it has loaded).
    private static readonly Lazy<bool> QuietNativeLibrary = new(() =>
    {
        NativeLibraryConfig.All.WithLogCallback((_, _) => { });
        return true;
    });

    private static readonly string[] Texts =
    [
        "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether?",
        "<|im_start|>user\nWeng earns $12 an hour. 2024 + 13.5 = ?<|im_end|>\n<|im_start|>assistant\n",
    ];

    [SkippableTheory]
    [InlineData(GgufTensorType.F32, 24)]
    [InlineData(GgufTensorType.Q8_0, 16)]
    [InlineData(GgufTensorType.Q4_0, 16)]
    public void LlamaCppRunsTheExportedFileAsWeDo(GgufTensorType type, int minimumSameTokens)
    {
        var folder = DefaultModel.Find();
        Skip.If(folder is null, "the embedded model is not built");
        using var temp = new TempFolder();
        var path = temp.Combine("model.gguf");
        using (var source = CausalLanguageModel.Load(folder!))
        {
            GgufModelExport.Write(source, path, type, folder);
        }

        using var ours = ModelBundle.Load(path);
        _ = QuietNativeLibrary.Value;
        var parameters = new ModelParams(path) { ContextSize = 256, GpuLayerCount = 0, Threads = 2, FlashAttention = false, TypeK = GGMLType.GGML_TYPE_F32, TypeV = GGMLType.GGML_TYPE_F32 };
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);

        foreach (var text in Texts)
        {
            var ids = ours.Tokenizer.Encode(text);
            Assert.Equal(ids, context.Tokenize(text, addBos: false, special: true).Select(t => (int)t));

            var expected = new TextGenerator(ours.Model, ours.Tokenizer).Generate(ids, new GenerationOptions { MaxNewTokens = 24, IgnoreEndOfSequence = true }).OutputIds;
            var actual = Greedy(context, ids, 24);
            var same = expected.Zip(actual).TakeWhile(p => p.First == p.Second).Count();
            output.WriteLine($"{type}: {same} of 24 greedy tokens equal");
            Assert.True(same >= minimumSameTokens, $"{type}: only {same} greedy tokens agree ({string.Join(",", expected)} vs {string.Join(",", actual)})");
        }
    }

    [Theory]
    [InlineData(LLamaFtype.MOSTLY_Q4_K_M, GgufTensorType.Q4_K, GgufTensorType.Q6_K, 0.998, 0.08)]
    [InlineData(LLamaFtype.MOSTLY_Q5_0, GgufTensorType.Q5_0, GgufTensorType.Q6_K, 0.998, 0.05)]
    [InlineData(LLamaFtype.MOSTLY_Q8_0, GgufTensorType.Q8_0, GgufTensorType.Q8_0, 0.9995, 0.006)]
    [InlineData(LLamaFtype.MOSTLY_F16, GgufTensorType.F16, GgufTensorType.F16, 0.99999, 0.001)]
    public void FilesQuantizedByLlamaCppLoadAndAgreeWithIt(LLamaFtype ftype, GgufTensorType main, GgufTensorType head, double minimumCosine, double maximumError)
    {
        // Differences left: llama.cpp quantizes the activations (to Q8_0 or Q8_K) where TokenSkip's prefill multiplies
        // dequantized tiles in float32; the F16 row shows the rest of both engines agrees to 1e-6.
        // Widths that are multiples of 256, so llama.cpp uses its K-quants without fallbacks.
        var config = TinyModels.Config() with
        {
            HiddenSize = 256, IntermediateSize = 512, HeadCount = 4, KeyValueHeadCount = 2, HeadDim = 64, VocabularySize = 300, EosTokenIds = [299],
        };
        using var temp = new TempFolder();
        var f16 = temp.Combine("model-f16.gguf");
        var path = temp.Combine("model-quantized.gguf");
        using var original = new CausalLanguageModel(config).InitializeRandom(5, std: 0.1);
        GgufModelExport.WriteQwen2(original, f16, GgufTensorType.F16);

        _ = QuietNativeLibrary.Value;
        NativeApi.llama_empty_call(); // LLamaQuantizer does not load the native library itself
        Assert.True(LLamaQuantizer.Quantize(f16, path, ftype, 2));
        using (var file = Models.Gguf.GgufFile.Open(path))
        {
            Assert.Contains(file.Tensors, t => t.Type == main);
            Assert.Equal(head, file.Find("token_embd.weight")!.Type);
        }

        using var ours = CausalLanguageModel.Load(path);

        // Our dequantization of every matrix stays within its format's rounding of the original weights (relative RMS
        // error of a uniform rounding step: about 0.005 for Q8_0, 0.02 for Q6_K, 0.04 for Q5_0, 0.07 for Q4_K; a wrong
        // scale or nibble would be off by the weights' own size).
        foreach (var (projection, source) in ours.modules().OfType<Projection>().Zip(original.modules().OfType<Projection>()))
        {
            using var scope = TorchSharp.torch.NewDisposeScope();
            var weight = projection.QuantizedWeight is { } q ? QuantizedLinear.Dequantize(q, 0, q.Rows, TorchSharp.torch.ScalarType.Float32) : projection.Weight;
            var error = (weight - source.Weight).pow(2).mean().sqrt().item<float>() / source.Weight.pow(2).mean().sqrt().item<float>();
            output.WriteLine($"{projection.QuantizedWeight?.Type.ToString() ?? "float"} [{projection.OutFeatures}, {projection.InFeatures}]: relative RMS error {error:F4}");
            Assert.True(error < maximumError, $"{projection.QuantizedWeight?.Type} relative RMS error {error}");
        }

        var parameters = new ModelParams(path) { ContextSize = 64, GpuLayerCount = 0, Threads = 2, FlashAttention = false, TypeK = GGMLType.GGML_TYPE_F32, TypeV = GGMLType.GGML_TYPE_F32 };
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);
        int[] prompt = [3, 17, 42, 5, 200, 9, 61, 128];
        context.NativeHandle.MemoryClear(true);
        var batch = new LLamaBatch();
        batch.AddRange(prompt.Select(i => (LLamaToken)i).ToArray(), 0, LLamaSeqId.Zero, true);
        Assert.Equal(DecodeResult.Ok, context.Decode(batch));
        var theirs = context.NativeHandle.GetLogitsIth(prompt.Length - 1).ToArray();

        using var noGrad = TorchSharp.torch.no_grad();
        using var cache = ours.CreateCache(1, 16);
        using var step = ours.Prefill(cache, 0, prompt);
        var mine = step.data<float>().ToArray();
        double dot = 0, aa = 0, bb = 0;
        for (var i = 0; i < mine.Length; i++)
        {
            dot += (double)mine[i] * theirs[i];
            aa += (double)mine[i] * mine[i];
            bb += (double)theirs[i] * theirs[i];
        }

        var cosine = dot / Math.Sqrt(aa * bb);
        output.WriteLine($"{ftype}: logits cosine {cosine:F6}, max |diff| {mine.Zip(theirs, (a, b) => Math.Abs(a - b)).Max():G3} of max |logit| {theirs.Max(Math.Abs):G3}");
        Assert.True(cosine >= minimumCosine, $"{ftype}: cosine {cosine}");
    }

    private static int[] Greedy(LLamaContext context, IReadOnlyList<int> prompt, int count)
    {
        context.NativeHandle.MemoryClear(true);
        var batch = new LLamaBatch();
        batch.AddRange(prompt.Select(i => (LLamaToken)i).ToArray(), 0, LLamaSeqId.Zero, true);
        var generated = new List<int>();
        for (var step = 0; step < count; step++)
        {
            if (context.Decode(batch) != DecodeResult.Ok)
            {
                throw new InvalidOperationException("llama_decode failed");
            }

            var logits = context.NativeHandle.GetLogitsIth(batch.TokenCount - 1);
            var best = 0;
            for (var i = 1; i < logits.Length; i++)
            {
                best = logits[i] > logits[best] ? i : best;
            }

            generated.Add(best);
            batch.Clear();
            batch.Add(best, prompt.Count + step, LLamaSeqId.Zero, true);
        }

        return [.. generated];
    }
}
