using System.Text.Json;
using TokenSkip.Models.Configuration;

namespace TokenSkip.Models.Encoders;

/// <summary>Reads one encoder config.json field by field, failing with the field's name.</summary>
internal sealed class EncoderConfigReader(string path, JsonElement root) : ConfigJsonReader(path, root)
{
    public EncoderConfig Read()
    {
        RequireObject();

        var architecture = ReadArchitecture();
        var hidden = PositiveInt("hidden_size");
        var heads = PositiveInt("num_attention_heads");
        if (hidden % heads != 0)
        {
            throw Fail($"hidden_size {hidden} is not divisible by num_attention_heads {heads}");
        }

        var activation = OptionalString("hidden_act") ?? "gelu";
        if (activation != "gelu")
        {
            throw Fail($"hidden_act '{activation}' is not supported (only 'gelu', the exact erf form both LLMLingua-2 models use)");
        }

        var positionType = OptionalString("position_embedding_type") ?? "absolute";
        if (positionType != "absolute")
        {
            throw Fail($"position_embedding_type '{positionType}' is not supported (only 'absolute')");
        }

        var xlmr = architecture == EncoderArchitecture.XlmRoberta;
        var labels = OptionalInt("num_labels") ?? ReadLabelCount();
        if (labels < 2)
        {
            throw Fail($"the classifier has {labels} label(s); LLMLingua-2 reads the keep probability from label 1, so it needs at least 2");
        }

        var config = new EncoderConfig
        {
            Architecture = architecture,
            VocabularySize = PositiveInt("vocab_size"),
            HiddenSize = hidden,
            LayerCount = PositiveInt("num_hidden_layers"),
            HeadCount = heads,
            IntermediateSize = PositiveInt("intermediate_size"),
            MaxPositions = PositiveInt("max_position_embeddings"),
            TypeVocabularySize = OptionalInt("type_vocab_size") ?? (xlmr ? 1 : 2),
            LayerNormEpsilon = OptionalPositiveDouble("layer_norm_eps") ?? 1e-12,
            PadTokenId = OptionalInt("pad_token_id") ?? (xlmr ? 1 : 0),
            LabelCount = labels,
        };
        if (config.TypeVocabularySize < 1)
        {
            throw Fail($"type_vocab_size must be positive; got {config.TypeVocabularySize}");
        }

        if (config.PadTokenId < 0 || config.PadTokenId >= config.VocabularySize)
        {
            throw Fail($"pad_token_id {config.PadTokenId} is outside the vocabulary of {config.VocabularySize}");
        }

        if (config.MaxSequenceLength < 3)
        {
            throw Fail($"max_position_embeddings {config.MaxPositions} leaves no room for a sequence");
        }

        return config;
    }

    private EncoderArchitecture ReadArchitecture()
    {
        var names = ArchitectureNames();
        var modelType = OptionalString("model_type");
        if (names.Contains("XLMRobertaForTokenClassification") || (names.Length == 0 && modelType == "xlm-roberta"))
        {
            return EncoderArchitecture.XlmRoberta;
        }

        if (names.Contains("BertForTokenClassification") || (names.Length == 0 && modelType == "bert"))
        {
            return EncoderArchitecture.Bert;
        }

        var found = names.Length > 0 ? string.Join(", ", names) : modelType ?? "(none)";
        throw Fail($"architectures: '{found}' is not supported (supported: XLMRobertaForTokenClassification, BertForTokenClassification)");
    }

    private int ReadLabelCount() =>
        Root.TryGetProperty("id2label", out var labels) && labels.ValueKind == JsonValueKind.Object
            ? labels.EnumerateObject().Count()
            : 2;
}
