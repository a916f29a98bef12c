using System.Text.Json;
using TokenSkip.Models.Checkpoints;

namespace TokenSkip.Models.Encoders;

/// <summary>
/// The parts of a Hugging Face <c>config.json</c> that define an XLM-RoBERTa or BERT token classifier, validated on
/// load. Options this port does not implement (relative position embeddings, activations other than exact GELU) are
/// refused with a message naming the field.
/// </summary>
public sealed record EncoderConfig
{
    /// <summary>The config file name inside a model folder.</summary>
    public const string FileName = "config.json";

    /// <summary>Which encoder this is.</summary>
    public required EncoderArchitecture Architecture { get; init; }

    /// <summary><c>vocab_size</c>.</summary>
    public required int VocabularySize { get; init; }

    /// <summary><c>hidden_size</c>.</summary>
    public required int HiddenSize { get; init; }

    /// <summary><c>num_hidden_layers</c>.</summary>
    public required int LayerCount { get; init; }

    /// <summary><c>num_attention_heads</c>.</summary>
    public required int HeadCount { get; init; }

    /// <summary><c>intermediate_size</c>.</summary>
    public required int IntermediateSize { get; init; }

    /// <summary><c>max_position_embeddings</c> (XLM-RoBERTa counts the two positions below its first real one).</summary>
    public required int MaxPositions { get; init; }

    /// <summary><c>type_vocab_size</c>.</summary>
    public required int TypeVocabularySize { get; init; }

    /// <summary><c>layer_norm_eps</c> (1e-5 for XLM-RoBERTa, 1e-12 for BERT).</summary>
    public required double LayerNormEpsilon { get; init; }

    /// <summary><c>pad_token_id</c>.</summary>
    public required int PadTokenId { get; init; }

    /// <summary>Number of labels (<c>num_labels</c>, else the size of <c>id2label</c>); label 1 means "keep".</summary>
    public required int LabelCount { get; init; }

    /// <summary>
    /// The position id of the first token: XLM-RoBERTa numbers positions from <c>pad_token_id + 1</c> (2), as fairseq
    /// did; BERT from 0.
    /// </summary>
    public int FirstPosition => Architecture == EncoderArchitecture.XlmRoberta ? PadTokenId + 1 : 0;

    /// <summary>The prefix of the body's tensor names: <c>roberta</c> or <c>bert</c>.</summary>
    public string BodyPrefix => Architecture == EncoderArchitecture.XlmRoberta ? "roberta" : "bert";

    /// <summary>The longest input (special tokens included) the position table allows.</summary>
    public int MaxSequenceLength => MaxPositions - FirstPosition;

    /// <summary>Reads and validates <c>config.json</c> in <paramref name="folder"/> (or the file itself).</summary>
    /// <exception cref="ModelFormatException">The file is missing, invalid, or describes an unsupported model.</exception>
    public static EncoderConfig Load(string folder)
    {
        var path = Directory.Exists(folder) ? Path.Combine(folder, FileName) : folder;
        if (!File.Exists(path))
        {
            throw new ModelFormatException(path, "file not found (a token-classification model folder needs config.json)");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return new EncoderConfigReader(path, document.RootElement).Read();
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(path, $"invalid JSON ({e.Message})", e);
        }
    }

    /// <summary>Serialises the config in Hugging Face's layout.</summary>
    public string ToJson()
    {
        var xlmr = Architecture == EncoderArchitecture.XlmRoberta;
        var values = new Dictionary<string, object>
        {
            ["architectures"] = new[] { xlmr ? "XLMRobertaForTokenClassification" : "BertForTokenClassification" },
            ["model_type"] = xlmr ? "xlm-roberta" : "bert",
            ["vocab_size"] = VocabularySize,
            ["hidden_size"] = HiddenSize,
            ["num_hidden_layers"] = LayerCount,
            ["num_attention_heads"] = HeadCount,
            ["intermediate_size"] = IntermediateSize,
            ["hidden_act"] = "gelu",
            ["max_position_embeddings"] = MaxPositions,
            ["type_vocab_size"] = TypeVocabularySize,
            ["layer_norm_eps"] = LayerNormEpsilon,
            ["pad_token_id"] = PadTokenId,
            ["position_embedding_type"] = "absolute",
            ["id2label"] = Enumerable.Range(0, LabelCount).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), i => $"LABEL_{i}"),
            ["torch_dtype"] = "float32",
        };
        return JsonSerializer.Serialize(values, new JsonSerializerOptions { WriteIndented = true });
    }
}
