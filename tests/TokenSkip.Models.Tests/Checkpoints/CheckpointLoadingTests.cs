using System.Text.Json.Nodes;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Configuration;
using TokenSkip.Models.Transformer;
using TokenSkip.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace TokenSkip.Models.Tests.Checkpoints;

/// <summary>Loading Hugging Face folders, and every way a folder can be wrong.</summary>
public sealed class CheckpointLoadingTests
{
    private static readonly long[] Prompt = [3, 14, 15, 92, 65];

    [Theory]
    [InlineData(ModelArchitecture.Qwen2, true)]
    [InlineData(ModelArchitecture.Qwen2, false)]
    [InlineData(ModelArchitecture.Llama, true)]
    [InlineData(ModelArchitecture.Llama, false)]
    public void SavedModelsLoadBackWithIdenticalLogits(ModelArchitecture architecture, bool tied)
    {
        using var folder = new TempFolder();
        var config = TinyModels.Config(architecture, tied) with { AttentionBias = true, MlpBias = architecture == ModelArchitecture.Llama };
        using var original = TinyModels.Create(config, seed: 11);
        original.Save(folder.Path);

        using var loaded = CausalLanguageModel.Load(folder.Path);
        using var ids = tensor(Prompt).unsqueeze(0);
        using var expected = original.Forward(ids);
        using var actual = loaded.Forward(ids);

        Assert.Equal(config.TieWordEmbeddings, loaded.OutputProjection is null);
        Assert.True(expected.equal(actual).all().item<bool>());
    }

    [Theory]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.BFloat16)]
    public void SixteenBitCheckpointsLoadIntoFloat32(ScalarType stored)
    {
        using var folder = new TempFolder();
        using var model = TinyModels.Create(dtype: stored);
        model.Save(folder.Path);

        using var loaded = CausalLanguageModel.Load(folder.Path);

        Assert.Equal(ScalarType.Float32, loaded.DType);
        Assert.Equal(stored, SafeTensorsFile.Open(folder.Combine("model.safetensors")).Entries["model.norm.weight"].ScalarType);
        using var a = model.Body.EmbeddingWeight.to_type(ScalarType.Float32);
        Assert.True(a.equal(loaded.Body.EmbeddingWeight).all().item<bool>());
    }

    [Fact]
    public void ShardedCheckpointsLoadThroughTheIndex()
    {
        using var folder = new TempFolder();
        using var model = TinyModels.Create();
        var parameters = model.named_parameters().ToList();
        var first = parameters.Take(parameters.Count / 2).ToList();
        var second = parameters.Skip(parameters.Count / 2).ToList();
        SafeTensorsWriter.Write(folder.Combine("model-00001-of-00002.safetensors"), first.Select(p => new KeyValuePair<string, Tensor>(p.name, p.parameter)));
        SafeTensorsWriter.Write(folder.Combine("model-00002-of-00002.safetensors"), second.Select(p => new KeyValuePair<string, Tensor>(p.name, p.parameter)));
        var map = new JsonObject();
        first.ForEach(p => map[p.name] = "model-00001-of-00002.safetensors");
        second.ForEach(p => map[p.name] = "model-00002-of-00002.safetensors");
        File.WriteAllText(folder.Combine("model.safetensors.index.json"), new JsonObject { ["weight_map"] = map }.ToJsonString());
        File.WriteAllText(folder.Combine("config.json"), model.Config.ToJson());

        using var loaded = CausalLanguageModel.Load(folder.Path);
        using var ids = tensor(Prompt).unsqueeze(0);
        using var expected = model.Forward(ids);
        using var actual = loaded.Forward(ids);

        Assert.True(expected.equal(actual).all().item<bool>());
    }

    [Fact]
    public void MissingFolderConfigOrWeightsAreNamed()
    {
        using var folder = new TempFolder();
        Assert.Contains("model folder not found", Assert.Throws<ModelFormatException>(() => CausalLanguageModel.Load(folder.Combine("nope"))).Message);
        Assert.Contains("config.json", Assert.Throws<ModelFormatException>(() => CausalLanguageModel.Load(folder.Path)).Message);

        File.WriteAllText(folder.Combine("config.json"), TinyModels.Config().ToJson());
        Assert.Contains("no model.safetensors or model.safetensors.index.json", Assert.Throws<ModelFormatException>(() => CausalLanguageModel.Load(folder.Path)).Message);
    }

    [Fact]
    public void TensorsOfTheWrongShapeNameOrDtypeAreRejectedByName()
    {
        using var folder = new TempFolder();
        var path = TinyModels.Write(folder);
        var weights = Path.Combine(path, "model.safetensors");
        var file = SafeTensorsFile.Open(weights);
        var tensors = file.Entries.Keys.ToDictionary(k => k, file.Read);

        void Rewrite(Dictionary<string, Tensor> changed) => SafeTensorsWriter.Write(weights, changed);
        string LoadError() => Assert.Throws<ModelFormatException>(() => CausalLanguageModel.Load(path)).Message;

        var wrongShape = new Dictionary<string, Tensor>(tensors) { ["model.layers.1.mlp.up_proj.weight"] = zeros(63, 32) };
        Rewrite(wrongShape);
        Assert.Contains("tensor 'model.layers.1.mlp.up_proj.weight' has shape [63, 32], but the config implies [64, 32]", LoadError());

        var missing = new Dictionary<string, Tensor>(tensors);
        missing.Remove("model.layers.0.self_attn.k_proj.bias");
        Rewrite(missing);
        Assert.Contains("missing tensor 'model.layers.0.self_attn.k_proj.bias'", LoadError());

        var extra = new Dictionary<string, Tensor>(tensors) { ["model.layers.7.mlp.up_proj.weight"] = zeros(2) };
        Rewrite(extra);
        Assert.Contains("unexpected tensor 'model.layers.7.mlp.up_proj.weight'", LoadError());

        var integer = new Dictionary<string, Tensor>(tensors) { ["model.norm.weight"] = ones(32, ScalarType.Int64) };
        Rewrite(integer);
        Assert.Contains("tensor 'model.norm.weight' has dtype I64", LoadError());
    }

    [Fact]
    public void TiedCheckpointsMayCarryAnLmHeadAndOldRotaryBuffersAreIgnored()
    {
        using var folder = new TempFolder();
        var path = TinyModels.Write(folder);
        var weights = Path.Combine(path, "model.safetensors");
        var file = SafeTensorsFile.Open(weights);
        var tensors = file.Entries.Keys.ToDictionary(k => k, file.Read);
        tensors["lm_head.weight"] = tensors["model.embed_tokens.weight"];
        tensors["model.layers.0.self_attn.rotary_emb.inv_freq"] = ones(4);
        SafeTensorsWriter.Write(weights, tensors);

        using var model = CausalLanguageModel.Load(path);

        Assert.Null(model.OutputProjection);
    }

    [Theory]
    [InlineData("{\"architectures\": [\"GPT2LMHeadModel\"], \"model_type\": \"gpt2\"}", "unsupported architecture 'GPT2LMHeadModel'")]
    [InlineData("{\"architectures\": [\"Qwen2ForCausalLM\"], \"hidden_size\": 32}", "missing required field 'num_attention_heads'")]
    [InlineData("{\"architectures\": [\"Qwen2ForCausalLM\"], \"hidden_size\": \"32\"}", "hidden_size must be an integer")]
    [InlineData("{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_size\": 32, \"intermediate_size\": 64, \"num_hidden_layers\": 1, \"num_attention_heads\": 4, \"vocab_size\": 10, \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4}}", "rope_scaling type 'yarn' is not supported")]
    [InlineData("{\"architectures\": [\"Qwen2ForCausalLM\"], \"hidden_size\": 32, \"intermediate_size\": 64, \"num_hidden_layers\": 1, \"num_attention_heads\": 4, \"vocab_size\": 10, \"use_sliding_window\": true}", "use_sliding_window")]
    [InlineData("{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_size\": 32, \"intermediate_size\": 64, \"num_hidden_layers\": 1, \"num_attention_heads\": 4, \"num_key_value_heads\": 3, \"vocab_size\": 10}", "num_key_value_heads 3 must divide")]
    [InlineData("{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_size\": 32, \"intermediate_size\": 64, \"num_hidden_layers\": 1, \"num_attention_heads\": 4, \"vocab_size\": 10, \"hidden_act\": \"gelu\"}", "hidden_act 'gelu'")]
    [InlineData("{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_size\": 32, \"intermediate_size\": 64, \"num_hidden_layers\": 1, \"num_attention_heads\": 4, \"vocab_size\": 10, \"quantization_config\": {\"bits\": 4}}", "quantization_config")]
    [InlineData("{\"architectures\": [\"LlamaForCausalLM\"", "invalid JSON")]
    public void UnsupportedOrInvalidConfigsAreRejectedByField(string json, string expected)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.Combine("config.json"), json);

        var error = Assert.Throws<ModelFormatException>(() => TransformerConfig.Load(folder.Path));

        Assert.Contains(expected, error.Message);
        Assert.Contains("config.json", error.Message);
    }

    [SkippableFact]
    public void Llama31RopeScalingIsReadFromTheConfig()
    {
        var config = TransformerConfig.Load(SharedAssets.Require("fixtures/llama3-tiny-ropescaled"));

        Assert.Equal(new RopeScaling("llama3", 8, 1, 4, 64), config.RopeScaling);
        Assert.Equal([291, 292], config.EosTokenIds);
        Assert.Equal(16, config.HeadDim);
    }
}
