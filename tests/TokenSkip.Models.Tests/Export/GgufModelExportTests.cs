using TokenSkip.Models.Configuration;
using TokenSkip.Models.Export;
using TokenSkip.Models.Transformer;
using Xunit;

namespace TokenSkip.Models.Tests.Export;

public sealed class GgufModelExportTests
{
    [Theory]
    [InlineData(true, GgufTensorType.F16)]
    [InlineData(false, GgufTensorType.F32)]
    public void Qwen2ModelIsWrittenWithLlamaCppNamesHyperParametersAndAVocabulary(bool tied, GgufTensorType type)
    {
        var config = TinyModels.Qwen2(tied);
        using var model = new CausalLanguageModel(config).InitializeRandom(7);
        var path = Path.Combine(Path.GetTempPath(), $"gguf-export-{Guid.NewGuid():N}.gguf");
        try
        {
            GgufModelExport.WriteQwen2(model, path, type);
            var file = GgufTestReader.Parse(File.ReadAllBytes(path));

            object Value(string key) => file.Metadata[key].Value;
            Assert.Equal("qwen2", Value("general.architecture"));
            Assert.Equal(type == GgufTensorType.F32 ? 0u : 1u, Value("general.file_type"));
            Assert.Equal((uint)config.MaxPositions, Value("qwen2.context_length"));
            Assert.Equal((uint)config.HiddenSize, Value("qwen2.embedding_length"));
            Assert.Equal((uint)config.LayerCount, Value("qwen2.block_count"));
            Assert.Equal((uint)config.IntermediateSize, Value("qwen2.feed_forward_length"));
            Assert.Equal((uint)config.HeadCount, Value("qwen2.attention.head_count"));
            Assert.Equal((uint)config.KeyValueHeadCount, Value("qwen2.attention.head_count_kv"));
            Assert.Equal(1e6f, Value("qwen2.rope.freq_base"));
            Assert.Equal(1e-6f, Value("qwen2.attention.layer_norm_rms_epsilon"));
            Assert.False(file.Metadata.ContainsKey("qwen2.attention.key_length")); // 72 / 6 = 12 = head_dim

            Assert.Equal("gpt2", Value("tokenizer.ggml.model"));
            var tokens = (object[])Value("tokenizer.ggml.tokens");
            Assert.Equal(config.VocabularySize, tokens.Length);
            Assert.Equal(tokens.Length, tokens.Distinct().Count());
            Assert.Equal("Ċ", tokens['\n']); // byte-level symbol of the newline byte
            Assert.Equal(config.VocabularySize, ((object[])Value("tokenizer.ggml.token_type")).Length);
            Assert.Equal(300u, Value("tokenizer.ggml.eos_token_id"));
            Assert.Equal("<|endoftext|>", tokens[300]);

            var expected = new List<string> { "token_embd.weight", "output_norm.weight" };
            if (!tied)
            {
                expected.Add("output.weight");
            }

            foreach (var layer in Enumerable.Range(0, config.LayerCount))
            {
                expected.AddRange(new[]
                {
                    "attn_norm.weight", "attn_q.weight", "attn_q.bias", "attn_k.weight", "attn_k.bias", "attn_v.weight", "attn_v.bias",
                    "attn_output.weight", "ffn_norm.weight", "ffn_gate.weight", "ffn_up.weight", "ffn_down.weight",
                }.Select(s => $"blk.{layer}.{s}"));
            }

            Assert.Equal(expected.Order(), file.Tensors.Select(t => t.Name).Order());
            var byName = file.Tensors.ToDictionary(t => t.Name);
            Assert.Equal([(ulong)config.HiddenSize, (ulong)config.VocabularySize], byName["token_embd.weight"].Dimensions);
            Assert.Equal([(ulong)config.HiddenSize, (ulong)config.IntermediateSize], byName["blk.1.ffn_up.weight"].Dimensions);
            Assert.Equal([(ulong)config.IntermediateSize, (ulong)config.HiddenSize], byName["blk.1.ffn_down.weight"].Dimensions);
            Assert.Equal([(ulong)(config.KeyValueHeadCount * config.HeadDim)], byName["blk.0.attn_k.bias"].Dimensions);
            foreach (var tensor in file.Tensors)
            {
                Assert.Equal(tensor.Dimensions.Length == 1 ? 0u : (uint)type, tensor.Type); // norms and biases stay F32
                Assert.Equal(0UL, tensor.Offset % 32);
            }

            // Q and K rows are stored as they are: qwen2 has no llama-style row permutation.
            var bytes = File.ReadAllBytes(path);
            var attention = model.Body.Layers[1].Attention;
            foreach (var (name, weight) in new[] { ("blk.1.attn_q.weight", attention.QueryProjection.Weight), ("blk.1.attn_k.weight", attention.KeyProjection.Weight) })
            {
                var info = byName[name];
                var stored = bytes.AsSpan((int)(file.DataStart + (long)info.Offset), (int)info.ByteCount).ToArray();
                var written = weight.to_type(type == GgufTensorType.F32 ? TorchSharp.torch.ScalarType.Float32 : TorchSharp.torch.ScalarType.Float16).bytes.ToArray();
                Assert.Equal(written, stored);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LlamaModelsAreRefused()
    {
        using var model = new CausalLanguageModel(TinyModels.Qwen2() with { Architecture = ModelArchitecture.Llama, ModelType = "llama", AttentionBias = false });
        Assert.Throws<NotSupportedException>(() => GgufModelExport.WriteQwen2(model, Path.Combine(Path.GetTempPath(), "never.gguf"), GgufTensorType.F32));
    }

    [Theory]
    [InlineData("model.embed_tokens.weight", "token_embd.weight")]
    [InlineData("model.norm.weight", "output_norm.weight")]
    [InlineData("lm_head.weight", "output.weight")]
    [InlineData("model.layers.0.input_layernorm.weight", "blk.0.attn_norm.weight")]
    [InlineData("model.layers.23.self_attn.q_proj.bias", "blk.23.attn_q.bias")]
    [InlineData("model.layers.5.self_attn.o_proj.weight", "blk.5.attn_output.weight")]
    [InlineData("model.layers.11.post_attention_layernorm.weight", "blk.11.ffn_norm.weight")]
    [InlineData("model.layers.2.mlp.down_proj.weight", "blk.2.ffn_down.weight")]
    public void HuggingFaceNamesMapToLlamaCppNames(string huggingFace, string gguf) =>
        Assert.Equal(gguf, GgufTensorNames.ForQwen2(huggingFace));

    [Theory]
    [InlineData("model.layers.0.self_attn.rotary_emb.inv_freq")]
    [InlineData("model.layers.x.mlp.up_proj.weight")]
    [InlineData("transformer.wte.weight")]
    public void UnknownNamesAreRefused(string name) =>
        Assert.Throws<ArgumentException>(() => GgufTensorNames.ForQwen2(name));
}
