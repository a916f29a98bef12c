using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;
using TokenSkip.Core.Generation;
using TokenSkip.Models.Export;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Loading;
using TokenSkip.Models.Transformer;
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
