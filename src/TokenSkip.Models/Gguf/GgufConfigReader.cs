using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Configuration;

namespace TokenSkip.Models.Gguf;

/// <summary>
/// The <see cref="TransformerConfig"/> of a GGUF file's <c>qwen2</c> or <c>llama</c> model, from the hyper-parameters
/// llama.cpp reads (<c>{arch}.embedding_length</c>, <c>{arch}.block_count</c>, …) and the tensors present (a separate
/// <c>output.weight</c> unties the head, <c>attn_q.bias</c> means attention biases).
/// </summary>
public static class GgufConfigReader
{
    /// <summary>The architectures that load (<c>general.architecture</c>).</summary>
    public const string SupportedArchitectures = "qwen2, llama";

    /// <summary>Reads the configuration of <paramref name="file"/>.</summary>
    /// <exception cref="ModelFormatException">Another architecture, a missing key, or a feature the engine lacks (rope scaling, partial rotary).</exception>
    public static TransformerConfig Read(GgufFile file)
    {
        var arch = file.Require<string>("general.architecture");
        var architecture = arch switch
        {
            "qwen2" => ModelArchitecture.Qwen2,
            "llama" => ModelArchitecture.Llama,
            _ => throw new ModelFormatException(file.FilePath, $"general.architecture '{arch}' is not supported (supported: {SupportedArchitectures})"),
        };

        int Integer(string key, long? fallback = null)
        {
            var value = file.GetInteger($"{arch}.{key}", fallback ?? -1);
            return value > 0 && value <= int.MaxValue ? (int)value
                : throw new ModelFormatException(file.FilePath, $"metadata '{arch}.{key}' is {(file.Metadata.ContainsKey($"{arch}.{key}") ? value.ToString() : "missing")}; expected a positive integer");
        }

        var hidden = Integer("embedding_length");
        var heads = Integer("attention.head_count");
        var headDim = Integer("attention.key_length", hidden / heads);
        var kvHeads = Integer("attention.head_count_kv", heads);
        if (AttentionHeadLayout.Problem(heads, kvHeads, headDim, $"{arch}.attention.head_count", $"{arch}.attention.head_count_kv", $"{arch}.attention.key_length") is { } problem)
        {
            throw new ModelFormatException(file.FilePath, problem);
        }

        var scaling = file.Get<string>($"{arch}.rope.scaling.type", "none");
        if (scaling != "none" || file.Contains("rope_freqs.weight"))
        {
            throw new ModelFormatException(file.FilePath, $"rope scaling ('{arch}.rope.scaling.type' {scaling}{(file.Contains("rope_freqs.weight") ? ", tensor 'rope_freqs.weight'" : string.Empty)}) is not supported in GGUF files");
        }

        if (file.GetInteger($"{arch}.rope.dimension_count", headDim) != headDim)
        {
            throw new ModelFormatException(file.FilePath, $"'{arch}.rope.dimension_count' differs from the head size {headDim} (partial rotary embeddings are not supported)");
        }

        var embedding = file.Find("token_embd.weight") ?? throw new ModelFormatException(file.FilePath, "tensor 'token_embd.weight' is missing");
        var eos = new List<int>();
        foreach (var key in new[] { "tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id" })
        {
            if (file.GetInteger(key, -1) is var id and >= 0 && !eos.Contains((int)id))
            {
                eos.Add((int)id);
            }
        }

        var bos = file.GetInteger("tokenizer.ggml.bos_token_id", -1);
        return new TransformerConfig
        {
            Architecture = architecture,
            ModelType = arch,
            HiddenSize = hidden,
            IntermediateSize = Integer("feed_forward_length"),
            LayerCount = Integer("block_count"),
            HeadCount = heads,
            KeyValueHeadCount = kvHeads,
            HeadDim = headDim,
            VocabularySize = checked((int)embedding.Shape[0]),
            MaxPositions = Integer("context_length"),
            RmsNormEpsilon = file.GetReal($"{arch}.attention.layer_norm_rms_epsilon", 1e-6),
            RopeTheta = file.GetReal($"{arch}.rope.freq_base", 10000),
            TieWordEmbeddings = !file.Contains("output.weight"),
            AttentionBias = file.Contains("blk.0.attn_q.bias"),
            BosTokenId = bos >= 0 && file.Get("tokenizer.ggml.add_bos_token", architecture == ModelArchitecture.Llama) ? (int)bos : null,
            EosTokenIds = eos,
        };
    }
}
