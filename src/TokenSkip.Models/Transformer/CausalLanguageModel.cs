using TokenSkip.Core.IO;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Configuration;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Kernels;
using TokenSkip.Models.Quantization;
using TokenSkip.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TokenSkip.Models.Transformer;

/// <summary>
/// A Qwen2 or Llama causal language model (Hugging Face's <c>*ForCausalLM</c>), with parameter names that match
/// checkpoints key for key. Load one with <see cref="Load"/>; generate with <see cref="TextGenerator"/>.
/// </summary>
/// <remarks>
/// The model is not thread-safe: TorchSharp scopes are per thread, so one thread runs it at a time.
/// </remarks>
public sealed class CausalLanguageModel : NamedModule
{
    private readonly RotaryEmbedding _rotary;
    private readonly List<IDisposable> _owned = [];

    /// <summary>Creates a model with uninitialised weights; use <see cref="Load"/> or <see cref="InitializeRandom"/>.</summary>
    public CausalLanguageModel(TransformerConfig config, ModelLoadOptions? options = null) : base(nameof(CausalLanguageModel))
    {
        options ??= new ModelLoadOptions();
        Config = config;
        Device = options.Device;
        DType = options.ResolvedDType;
        TorchDevice = options.Device.ToTorch();
        Body = new DecoderStack(config, DType, TorchDevice);
        register_module("model", Body);
        if (!config.TieWordEmbeddings)
        {
            OutputProjection = new Projection(config.HiddenSize, config.VocabularySize, hasBias: false, DType, TorchDevice);
            register_module("lm_head", OutputProjection);
        }

        _rotary = new RotaryEmbedding(config, DType, TorchDevice);
        UseCpuKernels = options.UseCpuKernels;
        foreach (var module in modules())
        {
            switch (module)
            {
                case Projection projection:
                    projection.UseCpuKernels = UseCpuKernels;
                    break;
                case RmsNorm norm:
                    norm.UseCpuKernels = UseCpuKernels;
                    break;
                case SelfAttention attention:
                    attention.UseCpuKernels = UseCpuKernels;
                    break;
            }
        }
    }

    /// <summary>The model's configuration.</summary>
    public TransformerConfig Config { get; }

    /// <summary>The device it runs on.</summary>
    public ComputeDevice Device { get; }

    /// <summary>The compute precision.</summary>
    public ScalarType DType { get; }

    /// <summary>The TorchSharp device.</summary>
    public torch.Device TorchDevice { get; }

    /// <summary>The decoder body (<c>model.*</c>).</summary>
    public DecoderStack Body { get; }

    /// <summary><c>lm_head</c>, or null when tied to the input embedding.</summary>
    public Projection? OutputProjection { get; }

    /// <summary>Whether decode-sized work on the CPU uses the SIMD kernels (<see cref="ModelLoadOptions.UseCpuKernels"/>).</summary>
    public bool UseCpuKernels { get; }

    /// <summary>
    /// The block format the weights were quantized to by <see cref="Quantize"/>, or null (float weights, or a GGUF file's
    /// own mix of types: see <see cref="Projection.QuantizedWeight"/>).
    /// </summary>
    public QuantizationType? Quantization { get; private set; }

    /// <summary>Whether any weight is held block-quantized.</summary>
    public bool HasQuantizedWeights => Body.QuantizedEmbedding is not null || modules().OfType<Projection>().Any(p => p.IsQuantized);

    /// <summary>The folder (or GGUF file) the model was loaded from, if any.</summary>
    public string? SourceFolder { get; private set; }

    /// <summary>
    /// Loads a Hugging Face checkpoint folder (config.json + safetensors weights), or a <c>.gguf</c> file (its quantized
    /// matrices memory-mapped, see <see cref="Gguf.GgufFile"/>), validating every tensor.
    /// </summary>
    /// <exception cref="ModelFormatException">A file is missing or malformed, or a tensor is missing, unexpected, or of the wrong shape or dtype.</exception>
    public static CausalLanguageModel Load(string folder, ModelLoadOptions? options = null)
    {
        if (Gguf.GgufModelLoader.IsGgufPath(folder))
        {
            var file = Gguf.GgufFile.Open(folder);
            try
            {
                var loaded = Gguf.GgufModelLoader.Load(file, options);
                loaded.SourceFolder = file.FilePath;
                return loaded;
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }

        if (!Directory.Exists(folder))
        {
            throw new ModelFormatException(folder, "model folder not found");
        }

        var config = TransformerConfig.Load(folder);
        var weights = CheckpointWeights.Open(folder);
        var model = new CausalLanguageModel(config, options);
        try
        {
            // Old exporters write rotary buffers; tied checkpoints may carry a copy of the embedding as lm_head.
            CheckpointBinder.Bind(model, weights,
                name => name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal) || (name == "lm_head.weight" && config.TieWordEmbeddings),
                $"a {config.Architecture} model with {config.LayerCount} layers",
                options?.Quantize is { } type ? model.QuantizeOnceBound(type) : null);
            if (options?.Quantize is { } quantization)
            {
                model.Quantize(quantization);
            }

            if (model.UseCpuKernels && !model.Device.IsCuda)
            {
                HugePages.Advise(model.parameters());
            }

            model.SourceFolder = Path.GetFullPath(folder);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Quantizes the embedding, the output head and every linear layer whose input width is a multiple of 32 to
    /// <paramref name="type"/>, freeing their float weights. Inference only: the quantized weights take no gradients,
    /// cannot be saved as safetensors, and LoRA adapters apply to them unmerged.
    /// </summary>
    /// <exception cref="NotSupportedException">The model is on CUDA (the quantized kernels are CPU kernels).</exception>
    /// <remarks>Weights already quantized (a GGUF file's) are left as they are.</remarks>
    public void Quantize(QuantizationType type)
    {
        if (Device.IsCuda)
        {
            throw new NotSupportedException("quantized weights run on the CPU only; load on the CPU or leave out --quantize");
        }

        using var noGrad = no_grad();
        if (Body.QuantizedEmbedding is null && QuantizedMatrix.CanQuantize(Config.HiddenSize))
        {
            Body.QuantizeEmbedding(type);
        }

        foreach (var projection in modules().OfType<Projection>().Where(p => !p.IsQuantized && QuantizedMatrix.CanQuantize(p.InFeatures)))
        {
            projection.Quantize(type);
        }

        Quantization = type;
    }

    // Quantizes each matrix as soon as its float weights are in (freeing them), so the whole float model is never resident:
    // the parameters were allocated empty, and their pages are only touched by the copy.
    internal Action<string> QuantizeOnceBound(QuantizationType type)
    {
        var projections = named_modules().Where(m => m.module is Projection).ToDictionary(m => m.name + ".weight", m => (Projection)m.module, StringComparer.Ordinal);
        return name =>
        {
            using var noGrad = no_grad();
            if (name == "model.embed_tokens.weight" && QuantizedMatrix.CanQuantize(Config.HiddenSize))
            {
                Body.QuantizeEmbedding(type);
            }
            else if (projections.TryGetValue(name, out var projection) && QuantizedMatrix.CanQuantize(projection.InFeatures))
            {
                projection.Quantize(type);
            }
        };
    }

    /// <summary>Fills every weight with N(0, <paramref name="std"/>²) (norms with ones, biases with zeros), seeded.</summary>
    public CausalLanguageModel InitializeRandom(int seed, double std = 0.02)
    {
        using var noGrad = no_grad();
        var generator = new Generator((ulong)seed);
        foreach (var (name, parameter) in named_parameters())
        {
            if (name.EndsWith("layernorm.weight", StringComparison.Ordinal) || name == "model.norm.weight")
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

    /// <summary>Writes config.json and model.safetensors into <paramref name="folder"/> (Hugging Face layout).</summary>
    /// <exception cref="InvalidOperationException">The weights are quantized (safetensors holds float weights only).</exception>
    public void Save(string folder, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (HasQuantizedWeights)
        {
            throw new InvalidOperationException("a model with quantized weights cannot be saved as a Hugging Face folder; load it without quantization");
        }

        Directory.CreateDirectory(folder);
        var config = Config with { TorchDType = ModelDType.NameOf(DType) };
        AtomicFile.WriteAllText(Path.Combine(folder, "config.json"), config.ToJson());
        var tensors = named_parameters().Select(p => new KeyValuePair<string, Tensor>(p.name, p.parameter));
        var meta = new Dictionary<string, string> { ["format"] = "pt" };
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            meta[key] = value;
        }

        SafeTensorsWriter.Write(Path.Combine(folder, CheckpointWeights.SingleFileName), tensors, meta);
    }

    /// <summary>Runs the whole sequence without a cache and returns logits [B, T, vocab] in float32.</summary>
    /// <param name="inputIds">Token ids [B, T] (int64, on any device).</param>
    public Tensor Forward(Tensor inputIds)
    {
        using var scope = NewDisposeScope();
        var ids = inputIds.to(ScalarType.Int64, TorchDevice);
        var length = (int)ids.shape[1];
        var (cos, sin) = _rotary.Range(0, length);
        var inputs = new AttentionInputs { Cos = cos, Sin = sin, Mask = CausalMask(length, 0) };
        var hidden = Body.Forward(ids, inputs);
        return ProjectToVocabulary(hidden).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Appends <paramref name="ids"/> to cache row <paramref name="row"/> (which already holds
    /// <c>cache.Lengths[row]</c> tokens), advances the row, and returns the last position's logits [1, vocab] (float32),
    /// or with <paramref name="allPositions"/> every position's logits [ids, vocab] (for prompt log-probabilities).
    /// </summary>
    public Tensor Prefill(KvCache cache, int row, IReadOnlyList<int> ids, bool allPositions = false)
    {
        using var scope = NewDisposeScope();
        var start = cache.Lengths[row];
        var length = ids.Count;
        if (start + length > cache.Capacity)
        {
            throw new ArgumentException($"{start + length} tokens do not fit the KV cache row of {cache.Capacity}", nameof(ids));
        }

        var input = tensor(ids.Select(i => (long)i).ToArray(), ScalarType.Int64, TorchDevice).unsqueeze(0);
        var (cos, sin) = _rotary.Range(start, length);
        var inputs = new AttentionInputs { Cos = cos, Sin = sin, Mask = CausalMask(length, start), Cache = cache, Row = row, Start = start };
        var hidden = Body.Forward(input, inputs);
        cache.Lengths[row] = start + length;
        return allPositions
            ? ProjectToVocabulary(hidden).squeeze(0).MoveToOuterDisposeScope()
            : ProjectToVocabulary(hidden.narrow(1, length - 1, 1)).squeeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Decodes one token for each of <paramref name="rows"/> (cache rows), appending it at each row's current length,
    /// advancing those rows, and returns logits [rows, vocab] (float32).
    /// </summary>
    public Tensor DecodeStep(KvCache cache, IReadOnlyList<int> rows, IReadOnlyList<int> tokenIds)
    {
        using var threads = UseCpuKernels && !Device.IsCuda && rows.Count <= MatrixVectorLinear.MaxRows
            ? DecodeThreadScope.Enter()
            : default;
        using var scope = NewDisposeScope();
        var positions = rows.Select(r => cache.Lengths[r]).ToArray();
        using var step = new DecodeRows(rows.ToArray(), positions, TorchDevice);
        if (step.MaxPosition >= cache.Capacity)
        {
            throw new InvalidOperationException($"KV cache is full ({cache.Capacity} tokens)");
        }

        var input = tensor(tokenIds.Select(i => (long)i).ToArray(), ScalarType.Int64, TorchDevice).unsqueeze(1);
        var (cos, sin) = step.SamePosition ? _rotary.Range(positions[0], 1) : _rotary.AtPositions(step.PositionTensor, step.MaxPosition);
        var span = step.MaxPosition + 1;
        var inputs = new AttentionInputs
        {
            Cos = cos,
            Sin = sin,
            Mask = step.SamePosition ? null : StepMask(step, span),
            Cache = cache,
            Step = step,
            Span = span,
        };
        var hidden = Body.Forward(input, inputs);
        foreach (var row in rows)
        {
            cache.Lengths[row]++;
        }

        return ProjectToVocabulary(hidden).squeeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>Allocates a KV cache for this model.</summary>
    public KvCache CreateCache(int rows, int capacity) =>
        new(Config, rows, Math.Min(capacity, Config.MaxPositions), DType, TorchDevice);

    private Tensor ProjectToVocabulary(Tensor hidden)
    {
        var logits = OutputProjection is { } head
            ? head.Forward(hidden)
            : Body.QuantizedEmbedding is { } embedding
            ? QuantizedLinear.Apply(hidden, embedding, null)
            : (UseCpuKernels ? MatrixVectorLinear.TryApply(hidden, Body.EmbeddingWeight, null) : null)
                ?? nn.functional.linear(hidden, Body.EmbeddingWeight);
        return logits.dtype == ScalarType.Float32 ? logits : logits.to_type(ScalarType.Float32);
    }

    // Causal mask for T new tokens after `start` cached ones, aligned bottom-right: token i sees keys 0..start+i.
    private Tensor? CausalMask(int length, int start)
    {
        if (length == 1)
        {
            return null;
        }

        var keys = start + length;
        using var scope = NewDisposeScope();
        var queryPositions = arange(start, keys, ScalarType.Int64, TorchDevice).unsqueeze(1);
        var keyPositions = arange(keys, ScalarType.Int64, TorchDevice).unsqueeze(0);
        var mask = zeros([length, keys], DType, TorchDevice).masked_fill(keyPositions > queryPositions, float.NegativeInfinity);
        return mask.MoveToOuterDisposeScope();
    }

    // Decode rows at different positions: row b sees keys 0..pos_b. Shape [B, 1, 1, 1, span].
    private Tensor StepMask(DecodeRows step, int span)
    {
        using var scope = NewDisposeScope();
        var keyPositions = arange(span, ScalarType.Int64, TorchDevice).unsqueeze(0);
        var mask = zeros([step.Count, span], DType, TorchDevice)
            .masked_fill(keyPositions > step.PositionTensor.unsqueeze(1), float.NegativeInfinity);
        return mask.view(step.Count, 1, 1, 1, span).MoveToOuterDisposeScope();
    }

    /// <summary>Disposes <paramref name="resource"/> (e.g. the mapped GGUF file the quantized weights point into) after the model.</summary>
    internal void TakeOwnership(IDisposable resource) => _owned.Add(resource);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _rotary.Dispose();
        }

        base.Dispose(disposing);
        if (disposing)
        {
            foreach (var resource in _owned)
            {
                resource.Dispose();
            }

            _owned.Clear();
        }
    }
}
