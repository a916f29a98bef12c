using System.Text.Json;

namespace TokenSkip.Models.Configuration;

/// <summary>Reads one config.json object field by field, failing with the field's name.</summary>
internal sealed class TransformerConfigReader(string path, JsonElement root) : ConfigJsonReader(path, root)
{
    public TransformerConfig Read()
    {
        RequireObject();

        var architecture = ReadArchitecture();
        var modelType = OptionalString("model_type") ?? (architecture == ModelArchitecture.Qwen2 ? "qwen2" : "llama");
        var hidden = PositiveInt("hidden_size");
        var heads = PositiveInt("num_attention_heads");
        var kvHeads = OptionalInt("num_key_value_heads") ?? heads;
        var headDim = OptionalInt("head_dim") ?? (hidden % heads == 0 ? hidden / heads : throw Fail($"hidden_size {hidden} is not divisible by num_attention_heads {heads}"));
        if (AttentionHeadLayout.Problem(heads, kvHeads, headDim, "num_attention_heads", "num_key_value_heads", "head_dim") is { } problem)
        {
            throw Fail(problem);
        }

        RefuseUnsupported(architecture);
        return new TransformerConfig
        {
            Architecture = architecture,
            ModelType = modelType,
            HiddenSize = hidden,
            IntermediateSize = PositiveInt("intermediate_size"),
            LayerCount = PositiveInt("num_hidden_layers"),
            HeadCount = heads,
            KeyValueHeadCount = kvHeads,
            HeadDim = headDim,
            VocabularySize = PositiveInt("vocab_size"),
            MaxPositions = OptionalPositiveInt("max_position_embeddings") ?? 2048,
            RmsNormEpsilon = OptionalPositiveDouble("rms_norm_eps") ?? 1e-6,
            RopeTheta = OptionalPositiveDouble("rope_theta") ?? 10000.0,
            RopeScaling = ReadRopeScaling(),
            TieWordEmbeddings = OptionalBool("tie_word_embeddings") ?? false,
            AttentionBias = architecture == ModelArchitecture.Qwen2 || (OptionalBool("attention_bias") ?? false),
            MlpBias = architecture == ModelArchitecture.Llama && (OptionalBool("mlp_bias") ?? false),
            BosTokenId = OptionalInt("bos_token_id"),
            EosTokenIds = ReadEos(),
            TorchDType = OptionalString("torch_dtype"),
        };
    }

    private ModelArchitecture ReadArchitecture()
    {
        var names = ArchitectureNames();
        var modelType = OptionalString("model_type");
        if (names.Length == 0 && modelType is null)
        {
            throw Fail("missing 'architectures' (and 'model_type'): cannot tell which model this is");
        }

        if (names.Contains("Qwen2ForCausalLM") || (names.Length == 0 && modelType == "qwen2"))
        {
            return ModelArchitecture.Qwen2;
        }

        if (names.Contains("LlamaForCausalLM") || (names.Length == 0 && modelType == "llama"))
        {
            return ModelArchitecture.Llama;
        }

        throw Fail($"unsupported architecture '{string.Join(", ", names.Length > 0 ? names : [modelType!])}' (supported: Qwen2ForCausalLM, LlamaForCausalLM)");
    }

    private void RefuseUnsupported(ModelArchitecture architecture)
    {
        var activation = OptionalString("hidden_act") ?? "silu";
        if (activation != "silu")
        {
            throw Fail($"hidden_act '{activation}' is not supported (only 'silu')");
        }

        if (architecture == ModelArchitecture.Qwen2 && (OptionalBool("use_sliding_window") ?? false))
        {
            throw Fail("use_sliding_window = true is not supported (Qwen2.5 checkpoints set it to false)");
        }

        if ((OptionalInt("pretraining_tp") ?? 1) != 1)
        {
            throw Fail("pretraining_tp other than 1 is not supported");
        }

        if (Root.TryGetProperty("quantization_config", out var q) && q.ValueKind != JsonValueKind.Null)
        {
            throw Fail("quantization_config is set: quantised checkpoints are not supported (use F32, F16 or BF16 weights)");
        }
    }

    private RopeScaling? ReadRopeScaling()
    {
        if (!Root.TryGetProperty("rope_scaling", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Fail("rope_scaling must be an object or null");
        }

        var type = (element.TryGetProperty("rope_type", out var t) ? t : element.TryGetProperty("type", out t) ? t : default)
            .ValueKind == JsonValueKind.String ? t.GetString()! : throw Fail("rope_scaling needs 'rope_type' (or 'type')");
        double Number(string name, double? fallback) =>
            element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble()
            : fallback ?? throw Fail($"rope_scaling.{name} is required for rope_type '{type}'");

        return type switch
        {
            "default" => null,
            "linear" => new RopeScaling("linear", Number("factor", null)),
            "llama3" => new RopeScaling("llama3", Number("factor", null), Number("low_freq_factor", null),
                Number("high_freq_factor", null), (int)Number("original_max_position_embeddings", null)),
            _ => throw Fail($"rope_scaling type '{type}' is not supported (supported: default, linear, llama3)"),
        };
    }

    private IReadOnlyList<int> ReadEos()
    {
        if (!Root.TryGetProperty("eos_token_id", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        return element.ValueKind switch
        {
            JsonValueKind.Number when element.TryGetInt32(out var id) => [id],
            JsonValueKind.Array => element.EnumerateArray().Select(e => e.TryGetInt32(out var v) ? v : throw Fail("eos_token_id must hold integers")).ToArray(),
            _ => throw Fail("eos_token_id must be an integer or a list of integers"),
        };
    }
}
