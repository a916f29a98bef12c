using System.Text.Json;
using TokenSkip.Models.Checkpoints;

namespace TokenSkip.Models.Configuration;

/// <summary>
/// The parts of a Hugging Face <c>config.json</c> that define a Qwen2 or Llama decoder, validated on load.
/// Options the engine does not implement (sliding-window attention, other rope scalings, quantisation,
/// tensor-parallel slicing) are refused with a message naming the field rather than silently ignored.
/// </summary>
public sealed record TransformerConfig
{
    /// <summary>The architecture.</summary>
    public required ModelArchitecture Architecture { get; init; }

    /// <summary>The <c>model_type</c> as written ("qwen2", "llama").</summary>
    public required string ModelType { get; init; }

    /// <summary><c>hidden_size</c>.</summary>
    public required int HiddenSize { get; init; }

    /// <summary><c>intermediate_size</c> of the gated MLP.</summary>
    public required int IntermediateSize { get; init; }

    /// <summary><c>num_hidden_layers</c>.</summary>
    public required int LayerCount { get; init; }

    /// <summary><c>num_attention_heads</c>.</summary>
    public required int HeadCount { get; init; }

    /// <summary><c>num_key_value_heads</c> (grouped-query attention; equal to <see cref="HeadCount"/> when absent).</summary>
    public required int KeyValueHeadCount { get; init; }

    /// <summary><c>head_dim</c> (hidden_size / num_attention_heads when absent).</summary>
    public required int HeadDim { get; init; }

    /// <summary><c>vocab_size</c>.</summary>
    public required int VocabularySize { get; init; }

    /// <summary><c>max_position_embeddings</c>: the context length.</summary>
    public required int MaxPositions { get; init; }

    /// <summary><c>rms_norm_eps</c>.</summary>
    public required double RmsNormEpsilon { get; init; }

    /// <summary><c>rope_theta</c>.</summary>
    public required double RopeTheta { get; init; }

    /// <summary><c>rope_scaling</c>, or null.</summary>
    public RopeScaling? RopeScaling { get; init; }

    /// <summary><c>tie_word_embeddings</c>: the output projection reuses the input embedding.</summary>
    public required bool TieWordEmbeddings { get; init; }

    /// <summary>Whether q/k/v/o projections have biases (Qwen2: q/k/v only; Llama: <c>attention_bias</c>).</summary>
    public required bool AttentionBias { get; init; }

    /// <summary>Whether the MLP projections have biases (Llama's <c>mlp_bias</c>).</summary>
    public bool MlpBias { get; init; }

    /// <summary><c>bos_token_id</c>, if any.</summary>
    public int? BosTokenId { get; init; }

    /// <summary><c>eos_token_id</c> (one or several ids).</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    /// <summary><c>torch_dtype</c> as written (informational).</summary>
    public string? TorchDType { get; init; }

    /// <summary>Reads and validates <c>config.json</c> in <paramref name="folder"/> (or the file itself).</summary>
    /// <exception cref="ModelFormatException">The file is missing, invalid, or asks for something unsupported.</exception>
    public static TransformerConfig Load(string folder)
    {
        var path = Directory.Exists(folder) ? Path.Combine(folder, "config.json") : folder;
        if (!File.Exists(path))
        {
            throw new ModelFormatException(path, "file not found (a Hugging Face model folder needs config.json)");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return Parse(path, document.RootElement);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(path, $"invalid JSON ({e.Message})", e);
        }
    }

    /// <summary>Parses a config object; <paramref name="path"/> is used in error messages.</summary>
    public static TransformerConfig Parse(string path, JsonElement root) => new TransformerConfigReader(path, root).Read();

    /// <summary>Serialises the config in Hugging Face's <c>config.json</c> layout.</summary>
    public string ToJson()
    {
        var architecture = Architecture == ModelArchitecture.Qwen2 ? "Qwen2ForCausalLM" : "LlamaForCausalLM";
        var values = new Dictionary<string, object?>
        {
            ["architectures"] = new[] { architecture },
            ["model_type"] = ModelType,
            ["hidden_size"] = HiddenSize,
            ["intermediate_size"] = IntermediateSize,
            ["num_hidden_layers"] = LayerCount,
            ["num_attention_heads"] = HeadCount,
            ["num_key_value_heads"] = KeyValueHeadCount,
            ["head_dim"] = HeadDim,
            ["vocab_size"] = VocabularySize,
            ["max_position_embeddings"] = MaxPositions,
            ["rms_norm_eps"] = RmsNormEpsilon,
            ["rope_theta"] = RopeTheta,
            ["hidden_act"] = "silu",
            ["tie_word_embeddings"] = TieWordEmbeddings,
            ["bos_token_id"] = BosTokenId,
            ["eos_token_id"] = EosTokenIds.Count == 1 ? EosTokenIds[0] : EosTokenIds,
            ["torch_dtype"] = TorchDType ?? "float32",
        };
        if (Architecture == ModelArchitecture.Llama)
        {
            values["attention_bias"] = AttentionBias;
            values["mlp_bias"] = MlpBias;
        }
        else
        {
            values["use_sliding_window"] = false;
        }

        if (RopeScaling is { } scaling)
        {
            values["rope_scaling"] = scaling.Type == "linear"
                ? new Dictionary<string, object> { ["rope_type"] = "linear", ["factor"] = scaling.Factor }
                : new Dictionary<string, object>
                {
                    ["rope_type"] = "llama3",
                    ["factor"] = scaling.Factor,
                    ["low_freq_factor"] = scaling.LowFrequencyFactor,
                    ["high_freq_factor"] = scaling.HighFrequencyFactor,
                    ["original_max_position_embeddings"] = scaling.OriginalMaxPositions,
                };
        }

        return JsonSerializer.Serialize(values, new JsonSerializerOptions { WriteIndented = true });
    }
}
