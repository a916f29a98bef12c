using System.Text.Json;
using System.Text.Json.Nodes;
using TokenSkip.Core.Generation;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Lora;
using TokenSkip.Models.Transformer;
using TokenSkip.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TokenSkip.Models.Tests.Lora;

public sealed class LoraAdapterTests
{
    private static readonly long[] Prompt = [3, 17, 42, 5, 88, 9, 61];

    [Fact]
    public void SaveThenLoadRoundTripsEveryTensorAndTheOutputs()
    {
        using var folder = new TempFolder();
        using var model = TinyModels.Create();
        using var adapter = LoraAdapter.Create(model, new LoraConfig { Rank = 4, Alpha = 8 }, seed: 7);
        Randomize(adapter, seed: 3);
        var expected = Logits(model);
        adapter.Save(folder.Path);

        using var other = TinyModels.Create();
        using var loaded = LoraAdapter.Load(other, folder.Path);

        Assert.Equal(adapter.Config.Rank, loaded.Config.Rank);
        Assert.Equal(adapter.Config.Alpha, loaded.Config.Alpha);
        Assert.Equal(LoraConfig.AllLinearProjections, loaded.Config.TargetModules.Names);
        Assert.Equal(adapter.NamedTensors().Select(p => p.Key), loaded.NamedTensors().Select(p => p.Key));
        foreach (var ((_, a), (_, b)) in adapter.NamedTensors().Zip(loaded.NamedTensors()))
        {
            Assert.Equal(Values(a), Values(b));
        }

        Assert.Equal(expected, Logits(other));
    }

    [Fact]
    public void SavedFilesUsePeftKeysShapesAndConfigFields()
    {
        using var folder = new TempFolder();
        using var model = TinyModels.Create();
        var config = new LoraConfig { Rank = 4, Alpha = 16, UseRslora = true, BaseModelNameOrPath = "Qwen/Qwen2.5-0.5B-Instruct" };
        using (var adapter = LoraAdapter.Create(model, config, seed: 1))
        {
            adapter.Save(folder.Path);
        }

        var file = SafeTensorsFile.Open(folder.Combine("adapter_model.safetensors"));
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(2 * 7 * 2, file.Entries.Count);
        Assert.Equal([4, 32], file.Get("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").Shape);
        Assert.Equal([32, 4], file.Get("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight").Shape);
        Assert.Equal([16, 4], file.Get("base_model.model.model.layers.1.self_attn.k_proj.lora_B.weight").Shape);
        Assert.Equal([4, 64], file.Get("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight").Shape);
        Assert.Equal([64, 4], file.Get("base_model.model.model.layers.1.mlp.up_proj.lora_B.weight").Shape);
        Assert.All(file.Entries.Values, e => Assert.Equal("F32", e.DType));

        using var json = JsonDocument.Parse(File.ReadAllText(folder.Combine("adapter_config.json")));
        var root = json.RootElement;
        Assert.Equal("LORA", root.GetProperty("peft_type").GetString());
        Assert.Equal("CAUSAL_LM", root.GetProperty("task_type").GetString());
        Assert.Equal(4, root.GetProperty("r").GetInt32());
        Assert.Equal(16, root.GetProperty("lora_alpha").GetInt32());
        Assert.Equal(0.0, root.GetProperty("lora_dropout").GetDouble());
        Assert.Equal("none", root.GetProperty("bias").GetString());
        Assert.True(root.GetProperty("use_rslora").GetBoolean());
        Assert.False(root.GetProperty("fan_in_fan_out").GetBoolean());
        Assert.True(root.GetProperty("inference_mode").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("modules_to_save").ValueKind);
        Assert.Equal("Qwen/Qwen2.5-0.5B-Instruct", root.GetProperty("base_model_name_or_path").GetString());
        Assert.Equal(LoraConfig.AllLinearProjections, root.GetProperty("target_modules").EnumerateArray().Select(e => e.GetString()));
        var keys = root.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(keys.OrderBy(k => k, StringComparer.Ordinal), keys); // PEFT writes sorted keys
    }

    [Fact]
    public void MergedAndUnmergedOutputsAreEqualAndDisposeRestoresTheBase()
    {
        using var model = TinyModels.Create();
        var baseLogits = Logits(model);
        var baseWeight = Values(model.Body.Layers[1].FeedForward.DownProjection.Weight);
        var adapter = LoraAdapter.Create(model, new LoraConfig(), seed: 2);
        Randomize(adapter, seed: 5);

        var unmerged = Logits(model);
        adapter.Merge();
        var merged = Logits(model);
        Assert.NotEqual(baseWeight, Values(model.Body.Layers[1].FeedForward.DownProjection.Weight));
        adapter.Unmerge();
        var again = Logits(model);
        adapter.Dispose();

        Assert.True(MaxDifference(baseLogits, unmerged) > 1e-2, "the adapter should change the outputs");
        Assert.True(MaxDifference(unmerged, merged) < 1e-4, $"merged vs unmerged: {MaxDifference(unmerged, merged)}");
        Assert.True(MaxDifference(unmerged, again) < 1e-4);
        Assert.True(MaxDifference(baseLogits, Logits(model)) < 1e-4);
        Assert.True(MaxDifference(baseWeight, Values(model.Body.Layers[1].FeedForward.DownProjection.Weight)) < 1e-6);
    }

    [Fact]
    public void GenerationWithTheKvCacheSeesTheUnmergedAdapter()
    {
        using var model = TinyModels.Create();
        using var adapter = LoraAdapter.Create(model, new LoraConfig(), seed: 2);
        Randomize(adapter, seed: 5);
        var generator = new TextGenerator(model);
        var options = new GenerationOptions { MaxNewTokens = 12, IgnoreEndOfSequence = true };

        var unmerged = generator.Generate([3, 17, 42], options).OutputIds;
        adapter.Merge();
        var merged = generator.Generate([3, 17, 42], options).OutputIds;
        adapter.Unmerge();
        adapter.Dispose();
        var plain = generator.Generate([3, 17, 42], options).OutputIds;

        Assert.Equal(merged, unmerged);
        Assert.NotEqual(plain, unmerged);
    }

    [Fact]
    public void FactorsStayFloat32OnAHalfPrecisionModel()
    {
        using var model = TinyModels.Create(dtype: ScalarType.BFloat16);
        using var adapter = LoraAdapter.Create(model, new LoraConfig(), seed: 2);
        Randomize(adapter, seed: 5);
        var unmerged = Logits(model);
        adapter.Merge();

        Assert.All(adapter.NamedTensors(), p => Assert.Equal(ScalarType.Float32, p.Value.dtype));
        Assert.Equal(ScalarType.BFloat16, model.Body.Layers[0].Attention.QueryProjection.Weight.dtype);
        Assert.True(MaxDifference(unmerged, Logits(model)) < 0.1 * unmerged.Max(Math.Abs)); // bf16 rounding of the merged weights
    }

    [Fact]
    public void AKnownAdapterChangesOutputsAsComputedByHand()
    {
        using var folder = new TempFolder();
        const int rank = 2;
        const double alpha = 6; // scaling 3
        var tensors = new Dictionary<string, (long[], float[])>();
        var factors = new Dictionary<string, (float[] A, float[] B, int In, int Out)>();
        foreach (var (module, input, output) in new[] { ("model.layers.0.self_attn.q_proj", 32, 32), ("model.layers.1.mlp.down_proj", 64, 32) })
        {
            var a = PeftAdapterFolder.Values(rank * input, seed: input);
            var b = PeftAdapterFolder.Values(output * rank, seed: output + 1);
            tensors[$"base_model.model.{module}.lora_A.weight"] = ([rank, input], a);
            tensors[$"base_model.model.{module}.lora_B.weight"] = ([output, rank], b);
            factors[module] = (a, b, input, output);
        }

        var targets = new JsonArray("model.layers.0.self_attn.q_proj", "layers.1.mlp.down_proj");
        PeftAdapterFolder.Write(folder.Path, PeftAdapterFolder.Config(rank, alpha, targets), tensors);

        using var model = TinyModels.Create();
        using var adapter = LoraAdapter.Load(model, folder.Path);
        Assert.Equal(["model.layers.0.self_attn.q_proj", "model.layers.1.mlp.down_proj"], adapter.Layers.Select(l => l.ModuleName));

        // One projection, by hand: y = W x + b + 3 · B (A x).
        var q = model.Body.Layers[0].Attention.QueryProjection;
        var x = PeftAdapterFolder.Values(32, seed: 99);
        var (w, bias) = (Values(q.Weight), Values(q.Bias!));
        var (fa, fb, _, _) = factors["model.layers.0.self_attn.q_proj"];
        var ax = Enumerable.Range(0, rank).Select(j => Enumerable.Range(0, 32).Sum(k => (double)fa[j * 32 + k] * x[k])).ToArray();
        var expected = Enumerable.Range(0, 32).Select(o =>
            Enumerable.Range(0, 32).Sum(k => (double)w[o * 32 + k] * x[k]) + bias[o] + 3 * Enumerable.Range(0, rank).Sum(j => fb[o * rank + j] * ax[j])).ToArray();
        using (var scope = NewDisposeScope())
        {
            var got = q.Forward(tensor(x).unsqueeze(0)).data<float>().ToArray();
            Assert.True(MaxDifference(expected.Select(v => (float)v).ToArray(), got) < 1e-4);
        }

        // The whole model equals the base model with W + 3·B·A written in by hand.
        using var patched = TinyModels.Create();
        foreach (var (module, (a, b, input, output)) in factors)
        {
            var projection = (Projection)patched.named_modules().Single(m => m.name == module).module;
            var weight = Values(projection.Weight);
            for (var o = 0; o < output; o++)
            {
                for (var k = 0; k < input; k++)
                {
                    weight[o * input + k] += (float)(3 * Enumerable.Range(0, rank).Sum(j => (double)b[o * rank + j] * a[j * input + k]));
                }
            }

            using var noGrad = no_grad();
            projection.Weight.copy_(tensor(weight).view(output, input));
        }

        var adapted = Logits(model);
        Assert.True(MaxDifference(Logits(patched), adapted) < 1e-4);
        using var plain = TinyModels.Create();
        Assert.True(MaxDifference(Logits(plain), adapted) > 1e-2, "the known adapter should change the outputs");
    }

    [Theory]
    [InlineData("base_model.model.model.layers.{0}.self_attn.{1}.lora_{2}.weight")] // PEFT's keys
    [InlineData("base_model.model.layers.{0}.self_attn.{1}.lora_{2}.weight")] // no inner "model."
    [InlineData("base_model.model.model.layers.{0}.self_attn.{1}.lora_{2}.default.weight")] // adapter name kept
    [InlineData("model.layers.{0}.self_attn.{1}.lora_{2}.weight")] // no PEFT prefix
    public void PrefixVariantsLoadTheSameWeights(string keyFormat)
    {
        using var folder = new TempFolder();
        var tensors = new Dictionary<string, (long[], float[])>();
        foreach (var layer in new[] { 0, 1 })
        {
            foreach (var (module, output) in new[] { ("q_proj", 32), ("v_proj", 16) })
            {
                tensors[string.Format(null, keyFormat, layer, module, "A")] = ([2, 32], PeftAdapterFolder.Values(64, layer * 10 + output));
                tensors[string.Format(null, keyFormat, layer, module, "B")] = ([output, 2], PeftAdapterFolder.Values(output * 2, layer * 10 + output + 1));
            }
        }

        PeftAdapterFolder.Write(folder.Path, PeftAdapterFolder.Config(2, 4, new JsonArray("q_proj", "v_proj")), tensors);
        using var model = TinyModels.Create();
        using var adapter = LoraAdapter.Load(model, folder.Path);

        var layer1v = adapter.Layers.Single(l => l.ModuleName == "model.layers.1.self_attn.v_proj");
        Assert.Equal(PeftAdapterFolder.Values(32, 10 + 16 + 1), Values(layer1v.B));
        Assert.Equal(4, adapter.Layers.Count);
    }

    [Fact]
    public void RegexTargetsMustMatchTheWholeNameAndRsloraScalesByRootRank()
    {
        using var model = TinyModels.Create();
        var config = new LoraConfig
        {
            Rank = 4,
            Alpha = 8,
            UseRslora = true,
            TargetModules = LoraModuleSelector.FromPattern(@".*\.layers\.1\..*(q_proj|v_proj)"),
        };
        using var adapter = LoraAdapter.Create(model, config, seed: 1);

        Assert.Equal(["model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.v_proj"], adapter.Layers.Select(l => l.ModuleName));
        Assert.All(adapter.Layers, l => Assert.Equal(4.0, l.Scaling)); // 8 / √4
        var bare = new LoraConfig { TargetModules = LoraModuleSelector.FromPattern("q_proj") };
        var error = Assert.Throws<ArgumentException>(() => LoraAdapter.Create(model, bare, seed: 1)); // no whole name is "q_proj"
        Assert.Contains("selects no linear projection", error.Message);
    }

    [Fact]
    public void ListTargetsHonourLayersToTransformAndPatterns()
    {
        using var model = TinyModels.Create();
        var config = new LoraConfig
        {
            TargetModules = LoraModuleSelector.FromNames(["q_proj", "down_proj"]),
            LayersToTransform = [1],
            RankPattern = new Dictionary<string, int> { ["down_proj"] = 3 },
            AlphaPattern = new Dictionary<string, double> { [@"layers\.1\.self_attn\.q_proj"] = 2 },
        };
        using var adapter = LoraAdapter.Create(model, config, seed: 1);

        Assert.Equal(["model.layers.1.self_attn.q_proj", "model.layers.1.mlp.down_proj"], adapter.Layers.Select(l => l.ModuleName));
        Assert.Equal([8, 3], adapter.Layers.Select(l => l.Rank));
        Assert.Equal([2.0 / 8, 16.0 / 3], adapter.Layers.Select(l => l.Scaling));
    }

    [Fact]
    public void AFreshAdapterLeavesOutputsUnchangedAndIsSeeded()
    {
        using var model = TinyModels.Create();
        var before = Logits(model);
        using (var adapter = LoraAdapter.Create(model, new LoraConfig(), seed: 11))
        {
            Assert.Equal(before, Logits(model)); // B = 0
            var a = adapter.Layers[0].A;
            var bound = 1 / Math.Sqrt(32);
            Assert.True(a.abs().max().item<float>() <= bound);
            Assert.True(a.abs().max().item<float>() > bound / 2);
            var first = Values(a);
            adapter.Dispose();
            using var again = LoraAdapter.Create(model, new LoraConfig(), seed: 11);
            Assert.Equal(first, Values(again.Layers[0].A));
        }
    }

    [Fact]
    public void ModulesToSaveReplaceTheModuleAndAreSavedUnderItsName()
    {
        using var folder = new TempFolder();
        var config = TinyModels.Config(tied: false);
        using var model = TinyModels.Create(config);
        var baseLogits = Logits(model);
        using (var adapter = LoraAdapter.Create(model, new LoraConfig { ModulesToSave = ["lm_head"] }, seed: 1))
        {
            Assert.Equal(["lm_head.weight"], adapter.SavedParameterNames);
            Assert.DoesNotContain(adapter.Layers, l => l.ModuleName == "lm_head");
            using (no_grad())
            {
                model.OutputProjection!.Weight.mul_(2);
            }

            adapter.Save(folder.Path);
        }

        Assert.Equal(baseLogits, Logits(model)); // dispose restored the original lm_head
        var file = SafeTensorsFile.Open(folder.Combine("adapter_model.safetensors"));
        Assert.Equal([96, 32], file.Get("base_model.model.lm_head.weight").Shape);

        using var loaded = LoraAdapter.Load(model, folder.Path);
        Assert.Equal(["lm_head"], loaded.Config.ModulesToSave);
        Assert.True(MaxDifference(baseLogits.Select(v => v * 2).ToArray(), Logits(model)) < 1e-4);
    }

    [Theory]
    [InlineData("use_dora", "true", "field 'use_dora' is set: DoRA is not supported")]
    [InlineData("peft_type", "\"IA3\"", "field 'peft_type' is 'IA3'")]
    [InlineData("bias", "\"all\"", "field 'bias' is 'all'")]
    [InlineData("r", "\"8\"", "field 'r' must be an integer")]
    [InlineData("target_modules", "\"(\"", "field 'target_modules'")]
    [InlineData("init_lora_weights", "\"pissa\"", "field 'init_lora_weights' is 'pissa'")]
    public void ConfigErrorsNameTheField(string field, string json, string expected)
    {
        using var folder = new TempFolder();
        var config = PeftAdapterFolder.Config(2, 4, new JsonArray("q_proj"));
        config[field] = JsonNode.Parse(json);
        PeftAdapterFolder.Write(folder.Path, config, new Dictionary<string, (long[], float[])>());
        using var model = TinyModels.Create();

        var error = Assert.Throws<ModelFormatException>(() => LoraAdapter.Load(model, folder.Path));
        Assert.Contains("adapter_config.json", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("missing", "missing tensor 'base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight'")]
    [InlineData("shape", "has shape [3, 32], but the adapter config and the model imply [2, 32]")]
    [InlineData("unexpected", "unexpected tensor 'base_model.model.model.layers.0.mlp.up_proj.lora_A.weight'")]
    [InlineData("embedding", "is not a LoRA factor")]
    public void WeightErrorsNameTheTensor(string fault, string expected)
    {
        using var folder = new TempFolder();
        var tensors = new Dictionary<string, (long[], float[])>();
        foreach (var layer in new[] { 0, 1 })
        {
            var rank = fault == "shape" && layer == 1 ? 3 : 2;
            tensors[$"base_model.model.model.layers.{layer}.self_attn.q_proj.lora_A.weight"] = ([rank, 32], new float[rank * 32]);
            if (!(fault == "missing" && layer == 1))
            {
                tensors[$"base_model.model.model.layers.{layer}.self_attn.q_proj.lora_B.weight"] = ([32, 2], new float[64]);
            }
        }

        if (fault == "unexpected")
        {
            tensors["base_model.model.model.layers.0.mlp.up_proj.lora_A.weight"] = ([2, 32], new float[64]);
        }
        else if (fault == "embedding")
        {
            tensors["base_model.model.model.embed_tokens.lora_embedding_A"] = ([2, 96], new float[192]);
        }

        PeftAdapterFolder.Write(folder.Path, PeftAdapterFolder.Config(2, 4, new JsonArray("q_proj")), tensors);
        using var model = TinyModels.Create();
        var before = Logits(model);

        var error = Assert.Throws<ModelFormatException>(() => LoraAdapter.Load(model, folder.Path));
        Assert.Contains("adapter_model.safetensors", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.Equal(before, Logits(model)); // nothing stays attached after a failed load
    }

    [Fact]
    public void TargetingANonLinearModuleIsRefused()
    {
        using var model = TinyModels.Create();
        var config = new LoraConfig { TargetModules = LoraModuleSelector.FromNames(["mlp"]) };

        var error = Assert.Throws<ArgumentException>(() => LoraAdapter.Create(model, config, seed: 1));
        Assert.Contains("'model.layers.0.mlp'", error.Message);
    }

    internal static float[] Logits(CausalLanguageModel model)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return model.Forward(tensor(Prompt).unsqueeze(0)).data<float>().ToArray();
    }

    internal static float[] Values(Tensor t) => t.detach().contiguous().data<float>().ToArray();

    internal static double MaxDifference(IReadOnlyList<float> a, IReadOnlyList<float> b) =>
        a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();

    internal static double MaxDifference(IReadOnlyList<double> a, IReadOnlyList<float> b) =>
        a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    private static void Randomize(LoraAdapter adapter, int seed)
    {
        using var noGrad = no_grad();
        var generator = new Generator((ulong)seed);
        foreach (var (_, parameter) in adapter.NamedTensors())
        {
            parameter.copy_(randn(parameter.shape, generator: generator) * 0.2);
        }
    }
}
