using TokenSkip.Models.Configuration;
using TokenSkip.Models.Transformer;

namespace TokenSkip.Models.Export;

/// <summary>
/// Writes a <see cref="CausalLanguageModel"/> as a GGUF file that llama.cpp loads as a <c>qwen2</c> model: the
/// hyper-parameters it reads, every weight under its llama.cpp name, and a tokenizer. Matrices are written in the
/// requested type; norm weights and biases stay F32, as llama.cpp's own converter keeps them.
/// </summary>
public static class GgufModelExport
{
    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> (atomically).</summary>
    /// <param name="model">A Qwen2 model without rope scaling.</param>
    /// <param name="path">The .gguf file.</param>
    /// <param name="type">The type of the matrices (F32 or F16).</param>
    /// <param name="name">The <c>general.name</c> written.</param>
    /// <exception cref="NotSupportedException">The model is not a Qwen2 model this exporter can describe.</exception>
    /// <remarks>
    /// The tokenizer is <see cref="GgufPlaceholderVocabulary"/>: enough for llama.cpp to load the file and run token ids,
    /// not to turn text into the model's real tokens.
    /// </remarks>
    public static void WriteQwen2(CausalLanguageModel model, string path, GgufTensorType type, string name = "TokenSkip export")
    {
        var config = model.Config;
        if (config.Architecture != ModelArchitecture.Qwen2 || config.RopeScaling is not null || config.MlpBias)
        {
            throw new NotSupportedException(
                $"GGUF export supports Qwen2 models without rope scaling or MLP biases (got {config.Architecture}" +
                $"{(config.RopeScaling is null ? string.Empty : $", rope scaling {config.RopeScaling.Type}")})");
        }

        var writer = new GgufWriter()
            .Add("general.architecture", GgufMetadataValue.Of("qwen2"))
            .Add("general.name", GgufMetadataValue.Of(name))
            .Add("general.file_type", GgufMetadataValue.Of(type == GgufTensorType.F32 ? 0u : 1u))
            .Add("qwen2.context_length", GgufMetadataValue.Of((uint)config.MaxPositions))
            .Add("qwen2.embedding_length", GgufMetadataValue.Of((uint)config.HiddenSize))
            .Add("qwen2.block_count", GgufMetadataValue.Of((uint)config.LayerCount))
            .Add("qwen2.feed_forward_length", GgufMetadataValue.Of((uint)config.IntermediateSize))
            .Add("qwen2.attention.head_count", GgufMetadataValue.Of((uint)config.HeadCount))
            .Add("qwen2.attention.head_count_kv", GgufMetadataValue.Of((uint)config.KeyValueHeadCount))
            .Add("qwen2.rope.freq_base", GgufMetadataValue.Of((float)config.RopeTheta))
            .Add("qwen2.attention.layer_norm_rms_epsilon", GgufMetadataValue.Of((float)config.RmsNormEpsilon));
        if (config.HeadDim * config.HeadCount != config.HiddenSize)
        {
            writer.Add("qwen2.attention.key_length", GgufMetadataValue.Of((uint)config.HeadDim))
                .Add("qwen2.attention.value_length", GgufMetadataValue.Of((uint)config.HeadDim));
        }

        GgufPlaceholderVocabulary.AddTo(writer, config.VocabularySize, config.EosTokenIds);
        foreach (var (parameterName, parameter) in model.named_parameters())
        {
            writer.AddTensor(GgufTensorNames.ForQwen2(parameterName), parameter, parameter.dim() == 1 ? GgufTensorType.F32 : type);
        }

        writer.Write(path);
    }
}
