using TokenSkip.Models.Configuration;
using TokenSkip.Models.Gguf;
using TokenSkip.Models.Loading;
using TokenSkip.Models.Quantization;
using TokenSkip.Models.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace TokenSkip.Models.Export;

/// <summary>
/// Writes a <see cref="CausalLanguageModel"/> as a GGUF file that llama.cpp loads as a <c>qwen2</c> or <c>llama</c>
/// model: the hyper-parameters it reads, every weight under its llama.cpp name (a llama model's query and key rows
/// permuted as llama.cpp's converter does), and a tokenizer. Matrices are written in the requested type; norm weights
/// and biases stay F32, as llama.cpp's own converter keeps them.
/// </summary>
public static class GgufModelExport
{
    /// <summary>The matrix types <see cref="Write"/> produces, as the CLI lists them.</summary>
    public const string SupportedTypes = "f32, f16, bf16, q8_0, q4_0";

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> (atomically) with a placeholder tokenizer.</summary>
    /// <param name="model">A Qwen2 model without rope scaling.</param>
    /// <param name="path">The .gguf file.</param>
    /// <param name="type">The type of the matrices (F32 or F16).</param>
    /// <param name="name">The <c>general.name</c> written.</param>
    /// <exception cref="NotSupportedException">The model is not a Qwen2 model this exporter can describe.</exception>
    /// <remarks>
    /// The tokenizer is <see cref="GgufPlaceholderVocabulary"/>: enough for llama.cpp to load the file and run token ids,
    /// not to turn text into the model's real tokens. <see cref="Write"/> writes the real one.
    /// </remarks>
    public static void WriteQwen2(CausalLanguageModel model, string path, GgufTensorType type, string name = "TokenSkip export")
    {
        if (model.Config.Architecture != ModelArchitecture.Qwen2)
        {
            throw new NotSupportedException($"GGUF export with a placeholder tokenizer supports Qwen2 models (got {model.Config.Architecture})");
        }

        Write(model, path, type, tokenizerFolder: null, name);
    }

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> (atomically).</summary>
    /// <param name="model">A Qwen2 or Llama model with float weights, without rope scaling or MLP biases.</param>
    /// <param name="path">The .gguf file.</param>
    /// <param name="type">
    /// The type of the matrices: F32, F16, BF16, Q8_0 or Q4_0 (quantized with ggml's reference arithmetic; a matrix whose
    /// rows are not a multiple of 32 falls back to F16, as llama.cpp's quantizer does).
    /// </param>
    /// <param name="tokenizerFolder">The folder whose tokenizer.json (and chat template) is written; null writes <see cref="GgufPlaceholderVocabulary"/>.</param>
    /// <param name="name">The <c>general.name</c> written.</param>
    /// <exception cref="NotSupportedException">The model, the type or the tokenizer is one this exporter cannot describe; the message says which.</exception>
    public static void Write(CausalLanguageModel model, string path, GgufTensorType type, string? tokenizerFolder, string name = "TokenSkip export")
    {
        var config = model.Config;
        if (config.RopeScaling is not null || config.MlpBias || (config.Architecture == ModelArchitecture.Llama && config.AttentionBias))
        {
            throw new NotSupportedException(
                $"GGUF export supports Qwen2 and Llama models without rope scaling, MLP biases or Llama attention biases (got {config.Architecture}" +
                $"{(config.RopeScaling is null ? string.Empty : $", rope scaling {config.RopeScaling.Type}")})");
        }

        if (!GgufTensorTypes.IsWritable(type))
        {
            throw new NotSupportedException($"GGUF export to {GgufTensorTypes.NameOf(type)} is not supported (supported: {SupportedTypes})");
        }

        if (model.HasQuantizedWeights)
        {
            throw new NotSupportedException("GGUF export needs the float weights; load the model without quantization");
        }

        var arch = config.Architecture == ModelArchitecture.Qwen2 ? "qwen2" : "llama";
        var writer = new GgufWriter()
            .Add("general.architecture", GgufMetadataValue.Of(arch))
            .Add("general.name", GgufMetadataValue.Of(name))
            .Add("general.file_type", GgufMetadataValue.Of(FileType(type)))
            .Add($"{arch}.context_length", GgufMetadataValue.Of((uint)config.MaxPositions))
            .Add($"{arch}.embedding_length", GgufMetadataValue.Of((uint)config.HiddenSize))
            .Add($"{arch}.block_count", GgufMetadataValue.Of((uint)config.LayerCount))
            .Add($"{arch}.feed_forward_length", GgufMetadataValue.Of((uint)config.IntermediateSize))
            .Add($"{arch}.attention.head_count", GgufMetadataValue.Of((uint)config.HeadCount))
            .Add($"{arch}.attention.head_count_kv", GgufMetadataValue.Of((uint)config.KeyValueHeadCount))
            .Add($"{arch}.rope.freq_base", GgufMetadataValue.Of((float)config.RopeTheta))
            .Add($"{arch}.attention.layer_norm_rms_epsilon", GgufMetadataValue.Of((float)config.RmsNormEpsilon));
        if (config.HeadDim * config.HeadCount != config.HiddenSize)
        {
            writer.Add($"{arch}.attention.key_length", GgufMetadataValue.Of((uint)config.HeadDim))
                .Add($"{arch}.attention.value_length", GgufMetadataValue.Of((uint)config.HeadDim));
        }

        if (config.Architecture == ModelArchitecture.Llama)
        {
            writer.Add("llama.rope.dimension_count", GgufMetadataValue.Of((uint)config.HeadDim))
                .Add("llama.vocab_size", GgufMetadataValue.Of((uint)config.VocabularySize));
        }

        if (tokenizerFolder is null)
        {
            GgufPlaceholderVocabulary.AddTo(writer, config.VocabularySize, config.EosTokenIds);
        }
        else
        {
            GgufTokenizerWriter.AddTo(writer, tokenizerFolder, config.VocabularySize, config.EosTokenIds, config.BosTokenId, ModelFamilyRule.For(config));
        }

        using var scope = NewDisposeScope();
        foreach (var (parameterName, parameter) in model.named_parameters())
        {
            var tensor = Permuted(config, parameterName, parameter);
            var tensorType = tensor.dim() == 1 ? GgufTensorType.F32
                : GgufTensorTypes.QuantizationOf(type) is not null && !QuantizedMatrix.CanQuantize((int)tensor.shape[1]) ? GgufTensorType.F16
                : type;
            writer.AddTensor(GgufTensorNames.ForQwen2(parameterName), tensor, tensorType);
        }

        writer.Write(path);
    }

    // llama.cpp's "mostly" file types.
    private static uint FileType(GgufTensorType type) => type switch
    {
        GgufTensorType.F32 => 0,
        GgufTensorType.F16 => 1,
        GgufTensorType.Q4_0 => 2,
        GgufTensorType.Q8_0 => 7,
        _ => 32, // BF16
    };

    // A llama file stores q/k rows in the interleaved-rotary order llama.cpp computes in: GGUF row GgufRow(r) is row r.
    private static Tensor Permuted(TransformerConfig config, string name, Tensor parameter)
    {
        if (config.Architecture != ModelArchitecture.Llama
            || !(name.Contains(".self_attn.q_proj.", StringComparison.Ordinal) || name.Contains(".self_attn.k_proj.", StringComparison.Ordinal)))
        {
            return parameter;
        }

        var rows = (int)parameter.shape[0];
        var order = new long[rows];
        for (var r = 0; r < rows; r++)
        {
            order[GgufModelLoader.GgufRow(r, config.HeadDim)] = r;
        }

        return parameter.index_select(0, tensor(order, ScalarType.Int64, parameter.device));
    }
}
