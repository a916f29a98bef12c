using TokenSkip.Core.IO;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Runtime;
using TokenSkip.Models.Transformer;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TokenSkip.Models.Encoders;

/// <summary>
/// Hugging Face's <c>XLMRobertaForTokenClassification</c> / <c>BertForTokenClassification</c> (without pooler), with
/// parameter names that match checkpoints key for key: <c>{roberta|bert}.embeddings.*</c>,
/// <c>{roberta|bert}.encoder.layer.N.*</c> and <c>classifier.*</c>. Inference only (dropout is the identity).
/// </summary>
/// <remarks>Not thread-safe: TorchSharp scopes are per thread, so one thread runs the model at a time.</remarks>
public sealed class TokenClassificationModel : NamedModule
{
    private readonly EncoderEmbeddings _embeddings;
    private readonly ModuleList<EncoderLayer> _layers;
    private readonly Projection _classifier;

    /// <summary>Creates a model with uninitialised weights; use <see cref="Load"/> or <see cref="InitializeRandom"/>.</summary>
    public TokenClassificationModel(EncoderConfig config, ModelLoadOptions? options = null) : base(nameof(TokenClassificationModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        options ??= new ModelLoadOptions();
        Config = config;
        DType = options.ResolvedDType;
        TorchDevice = options.Device.ToTorch();
        _embeddings = new EncoderEmbeddings(config, DType, TorchDevice);
        _layers = new ModuleList<EncoderLayer>(Enumerable.Range(0, config.LayerCount).Select(_ => new EncoderLayer(config, DType, TorchDevice)).ToArray());
        _classifier = new Projection(config.HiddenSize, config.LabelCount, hasBias: true, DType, TorchDevice);

        var encoder = new ModuleHolder("Encoder");
        encoder.Add("layer", _layers);
        var body = new ModuleHolder("Body");
        body.Add("embeddings", _embeddings);
        body.Add("encoder", encoder);
        register_module(config.BodyPrefix, body);
        register_module("classifier", _classifier);
    }

    /// <summary>The model's configuration.</summary>
    public EncoderConfig Config { get; }

    /// <summary>The compute precision.</summary>
    public ScalarType DType { get; }

    /// <summary>The TorchSharp device.</summary>
    public torch.Device TorchDevice { get; }

    /// <summary>The folder the model was loaded from, if any.</summary>
    public string? SourceFolder { get; private set; }

    /// <summary>Loads <c>config.json</c> and the safetensors weights of <paramref name="folder"/>, validating every tensor.</summary>
    /// <exception cref="ModelFormatException">A file is missing or malformed, or a tensor is missing, unexpected, or of the wrong shape or dtype.</exception>
    public static TokenClassificationModel Load(string folder, ModelLoadOptions? options = null)
    {
        if (!Directory.Exists(folder))
        {
            throw new ModelFormatException(folder, "model folder not found");
        }

        var config = EncoderConfig.Load(folder);
        var weights = CheckpointWeights.Open(folder);
        var model = new TokenClassificationModel(config, options);
        try
        {
            // Buffers exporters write (position_ids, token_type_ids) and the pooler, unused by token classification.
            CheckpointBinder.Bind(model, weights,
                name => name.EndsWith(".position_ids", StringComparison.Ordinal) || name.EndsWith(".token_type_ids", StringComparison.Ordinal)
                        || name.Contains(".pooler.", StringComparison.Ordinal),
                $"a {model.Config.Architecture} token classifier with {model.Config.LayerCount} layers");
            model.SourceFolder = Path.GetFullPath(folder);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Fills every weight with N(0, <paramref name="std"/>²) (layer-norm scales with ones, biases with zeros), seeded.</summary>
    public TokenClassificationModel InitializeRandom(int seed, double std = 0.02)
    {
        using var noGrad = no_grad();
        var generator = new Generator((ulong)seed);
        foreach (var (name, parameter) in named_parameters())
        {
            if (name.EndsWith("LayerNorm.weight", StringComparison.Ordinal))
            {
                parameter.fill_(1.0);
            }
            else if (name.EndsWith(".bias", StringComparison.Ordinal))
            {
                parameter.zero_();
            }
            else
            {
                using var values = normal(0, std, parameter.shape, ScalarType.Float32, generator: generator);
                parameter.copy_(values);
            }
        }

        return this;
    }

    /// <summary>Writes <c>config.json</c> and <c>model.safetensors</c> into <paramref name="folder"/> (Hugging Face layout).</summary>
    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, EncoderConfig.FileName), Config.ToJson());
        var tensors = named_parameters().Select(p => new KeyValuePair<string, Tensor>(p.name, p.parameter));
        SafeTensorsWriter.Write(Path.Combine(folder, CheckpointWeights.SingleFileName), tensors, new Dictionary<string, string> { ["format"] = "pt" });
    }

    /// <summary>Classifies every token: logits [B, T, labels] in float32.</summary>
    /// <param name="inputIds">Token ids [B, T] (int64, any device), special tokens included.</param>
    /// <param name="attentionMask">1 for real tokens, 0 for padding, [B, T].</param>
    public Tensor Forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = inputIds.to(ScalarType.Int64, TorchDevice);
        var keep = attentionMask.to(DType, TorchDevice);

        // Hugging Face's extended mask: 0 where attended, the dtype's lowest value where padded.
        var mask = ((1.0 - keep) * finfo(DType).min).view(ids.shape[0], 1, 1, ids.shape[1]);
        var hidden = _embeddings.Forward(ids);
        foreach (var layer in _layers)
        {
            hidden = layer.Forward(hidden, mask);
        }

        var logits = _classifier.Forward(hidden);
        return (logits.dtype == ScalarType.Float32 ? logits : logits.to_type(ScalarType.Float32)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The keep probability (softmax of the logits, label 1) of every token of each sequence. Sequences are padded
    /// with <c>pad_token_id</c> to the longest and masked, as the reference's batches are.
    /// </summary>
    /// <exception cref="ArgumentException">A sequence is empty, longer than the position table allows, or holds an id outside the vocabulary.</exception>
    public float[][] KeepProbabilities(IReadOnlyList<IReadOnlyList<int>> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0)
        {
            return [];
        }

        var width = 0;
        for (var s = 0; s < sequences.Count; s++)
        {
            var sequence = sequences[s];
            if (sequence.Count == 0 || sequence.Count > Config.MaxSequenceLength)
            {
                throw new ArgumentException($"sequence {s} has {sequence.Count} tokens; this model takes 1 to {Config.MaxSequenceLength}", nameof(sequences));
            }

            foreach (var id in sequence)
            {
                if (id < 0 || id >= Config.VocabularySize)
                {
                    throw new ArgumentException($"sequence {s} holds token id {id}, outside the vocabulary of {Config.VocabularySize}", nameof(sequences));
                }
            }

            width = Math.Max(width, sequence.Count);
        }

        var ids = new long[sequences.Count * width];
        var attention = new long[sequences.Count * width];
        for (var s = 0; s < sequences.Count; s++)
        {
            for (var t = 0; t < width; t++)
            {
                var real = t < sequences[s].Count;
                ids[(s * width) + t] = real ? sequences[s][t] : Config.PadTokenId;
                attention[(s * width) + t] = real ? 1 : 0;
            }
        }

        using var scope = NewDisposeScope();
        var logits = Forward(tensor(ids, [sequences.Count, width]), tensor(attention, [sequences.Count, width]));
        var keep = logits.softmax(-1).select(-1, 1).cpu().contiguous();
        var flat = keep.data<float>().ToArray();
        return sequences.Select((sequence, s) => flat.AsSpan(s * width, sequence.Count).ToArray()).ToArray();
    }
}
