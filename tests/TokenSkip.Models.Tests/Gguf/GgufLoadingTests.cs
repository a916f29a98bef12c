using System.Text;
using TokenSkip.Core.Generation;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Configuration;
using TokenSkip.Models.Export;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Loading;
using TokenSkip.Models.Quantization;
using TokenSkip.Models.Runtime;
using TokenSkip.Models.Tests.Lora;
using TokenSkip.Models.Transformer;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Models.Tests.Gguf;

/// <summary>GGUF files written by <see cref="GgufModelExport"/> load back (weights, tokenizer, quantized tensors in place) and run as the folder they came from.</summary>
public sealed class GgufLoadingTests
{
    private static readonly string[] Texts =
    [
        "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May.",
        "<|im_start|>user\nHow many bolts? 12345 + 6.5 = x\n<|im_end|>",
        "  café déjà-vu\t\n\nend",
    ];

    [SkippableTheory]
    [InlineData(GgufTensorType.F32)]
    [InlineData(GgufTensorType.Q8_0)]
    public void TheEmbeddedModelRoundTripsThroughGguf(GgufTensorType type)
    {
        var folder = DefaultModel.Find();
        Skip.If(folder is null, "the embedded model is not built");
        using var temp = new TempFolder();
        var path = temp.Combine("model.gguf");
        using (var source = CausalLanguageModel.Load(folder!))
        {
            GgufModelExport.Write(source, path, type, folder);
        }

        // Q8_0 in the file is what quantizing the float32 folder at load computes, block for block.
        var quantization = GgufTensorTypes.QuantizationOf(type);
        using var expected = ModelBundle.Load(folder!, new ModelBundleOptions { Load = new ModelLoadOptions { Quantize = quantization } });
        using var actual = ModelBundle.Load(path);

        Assert.Equal("model", actual.ModelId);
        Assert.Equal(expected.Family, actual.Family);
        Assert.Equal(expected.EndOfTurnTokenIds, actual.EndOfTurnTokenIds);
        Assert.Equal(expected.Model.Config with { TorchDType = null, EosTokenIds = [] }, actual.Model.Config with { TorchDType = null, EosTokenIds = [] });
        Assert.Equal(expected.Model.Config.EosTokenIds, actual.Model.Config.EosTokenIds);
        Assert.Equal(quantization is not null, actual.Model.Body.Layers[0].FeedForward.DownProjection.IsQuantized);
        Assert.Equal(quantization is not null, actual.Model.Body.QuantizedEmbedding is not null);
        foreach (var text in Texts)
        {
            Assert.Equal(expected.Tokenizer.Encode(text), actual.Tokenizer.Encode(text));
        }

        var options = new GenerationOptions { MaxNewTokens = 24, IgnoreEndOfSequence = true };
        var want = new TextGenerator(expected.Model, expected.Tokenizer).Generate(Texts[0], options);
        var got = new TextGenerator(actual.Model, actual.Tokenizer).Generate(Texts[0], options);
        Assert.Equal(want.OutputIds, got.OutputIds);
        Assert.Equal(want.Text, got.Text);
    }

    [Theory]
    [InlineData(GgufTensorType.F32)]
    [InlineData(GgufTensorType.Q4_0)]
    public void LlamaQueryAndKeyRowsArePermutedAndRestored(GgufTensorType type)
    {
        // A llama file stores q/k rows interleaved; loading must undo it (also for quantized rows, which are copied).
        using var temp = new TempFolder();
        var config = WithByteVocabulary(TinyModels.Config(ModelArchitecture.Llama, tied: false));
        var folder = TinyModels.Write(temp, config, seed: 3);
        var path = temp.Combine("llama.gguf");
        using (var source = CausalLanguageModel.Load(folder))
        {
            GgufModelExport.Write(source, path, type, tokenizerFolder: null);
        }

        using var expected = CausalLanguageModel.Load(folder, new ModelLoadOptions { Quantize = GgufTensorTypes.QuantizationOf(type) });
        using var actual = CausalLanguageModel.Load(path);

        var want = LoraAdapterTests.Logits(expected);
        var got = LoraAdapterTests.Logits(actual);
        Assert.True(LoraAdapterTests.MaxDifference(want, got) <= 1e-4 * want.Max(Math.Abs), $"{type}: {LoraAdapterTests.MaxDifference(want, got)}");
    }

    [Fact]
    public void UnsupportedTensorTypesAreRefusedNamingTheTensor()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("model.gguf");
        using (var model = TinyModels.Create(WithByteVocabulary(TinyModels.Config())))
        {
            GgufModelExport.WriteQwen2(model, path, GgufTensorType.F32);
        }

        // Rewrite one tensor's type code (after its name, dimension count and two dimensions) to Q3_K.
        var bytes = File.ReadAllBytes(path);
        var name = Encoding.UTF8.GetBytes("blk.1.ffn_down.weight");
        var at = bytes.AsSpan().IndexOf(name) + name.Length + 4 + 16;
        BitConverter.TryWriteBytes(bytes.AsSpan(at, 4), (uint)GgufTensorType.Q3_K);
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<ModelFormatException>(() => ModelBundle.Load(path, new ModelBundleOptions { RequireTokenizer = false }));
        Assert.Contains("tensor 'blk.1.ffn_down.weight' has type Q3_K, which is not supported (supported: F32, F16, BF16, Q8_0, Q4_0, Q5_0, Q4_K, Q6_K)", error.Message);
        Assert.StartsWith(path, error.Message);
    }

    [Fact]
    public void KeyValueHeadsThatDoNotDivideTheHeadsAreRefusedNamingTheKey()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("gqa.gguf");
        new GgufWriter()
            .Add("general.architecture", GgufMetadataValue.Of("qwen2"))
            .Add("qwen2.embedding_length", GgufMetadataValue.Of(64u))
            .Add("qwen2.attention.head_count", GgufMetadataValue.Of(4u))
            .Add("qwen2.attention.head_count_kv", GgufMetadataValue.Of(3u))
            .Write(path);

        var error = Assert.Throws<ModelFormatException>(() => ModelBundle.Load(path));

        Assert.Contains("qwen2.attention.head_count_kv 3 must divide qwen2.attention.head_count 4", error.Message);
    }

    [Fact]
    public void UnsupportedArchitecturesAreRefused()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("phi.gguf");
        new GgufWriter().Add("general.architecture", GgufMetadataValue.Of("phi3")).Write(path);

        var error = Assert.Throws<ModelFormatException>(() => ModelBundle.Load(path));

        Assert.Contains("general.architecture 'phi3' is not supported (supported: qwen2, llama)", error.Message);
    }

    [Fact]
    public void AQuantizedGgufTakesALoraAdapterUnmerged()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("model.gguf");
        using (var model = TinyModels.Create(WithByteVocabulary(TinyModels.Config())))
        {
            GgufModelExport.WriteQwen2(model, path, GgufTensorType.F32);
            using var adapter = TokenSkip.Models.Lora.LoraAdapter.Create(model, new TokenSkip.Models.Lora.LoraConfig(), seed: 2);
            adapter.Save(temp.Combine("adapter"));
        }

        // Quantized at load on top of the file; the adapter attaches unmerged, merging is refused.
        var options = new ModelBundleOptions { RequireTokenizer = false, AdapterFolder = temp.Combine("adapter"), Load = new ModelLoadOptions { Quantize = QuantizationType.Q8_0 } };
        using var attached = ModelBundle.Load(path, options with { Adapter = AdapterMode.Attach });
        Assert.NotNull(attached.Adapter);
        Assert.True(attached.Model.HasQuantizedWeights);
        using var merged = ModelBundle.Load(path, options);
        Assert.Null(merged.Adapter);
        Assert.True(merged.Model.HasQuantizedWeights);
    }

    // The placeholder vocabulary needs the 256 byte symbols.
    private static TransformerConfig WithByteVocabulary(TransformerConfig config) => config with { VocabularySize = 300, EosTokenIds = [299] };
}
