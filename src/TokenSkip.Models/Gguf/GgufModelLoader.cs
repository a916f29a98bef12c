using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Configuration;
using TokenSkip.Models.Export;
using TokenSkip.Models.Quantization;
using TokenSkip.Models.Runtime;
using TokenSkip.Models.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace TokenSkip.Models.Gguf;

/// <summary>
/// Builds a <see cref="CausalLanguageModel"/> from a <see cref="GgufFile"/>. Q8_0 and Q4_0 matrices stay in the
/// memory-mapped file and the kernels read them there (the model keeps the file open); F32, F16 and BF16 tensors are
/// copied into the model's precision, as from safetensors. llama.cpp's <c>llama</c> files store the query and key rows
/// permuted for interleaved rotary embeddings: they are put back in Hugging Face's order (a copy of those two matrices).
/// </summary>
internal static class GgufModelLoader
{
    // Rows copied at once from a float tensor: bounds the transient (and keeps spans under 2 GB).
    private const long SlabBytes = 64 << 20;

    public static bool IsGgufPath(string path) =>
        path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) && File.Exists(path);

    /// <summary>Loads the model of <paramref name="file"/>, which it then owns (and disposes with itself).</summary>
    /// <exception cref="ModelFormatException">A tensor is missing, unexpected, misshapen or of an unsupported type; the message names it.</exception>
    public static CausalLanguageModel Load(GgufFile file, ModelLoadOptions? options)
    {
        options ??= new ModelLoadOptions();
        var config = GgufConfigReader.Read(file);
        var quantized = file.Tensors.Where(t => GgufTensorTypes.QuantizationOf(t.Type) is not null).ToList();
        if (quantized.Count > 0 && options.Device.IsCuda)
        {
            throw new ModelFormatException(file.FilePath, $"tensor '{quantized[0].Name}' is {quantized[0].Type}: quantized GGUF tensors run on the CPU only");
        }

        var model = new CausalLanguageModel(config, options);
        try
        {
            Bind(model, file, config, options.Quantize is { } type ? model.QuantizeOnceBound(type) : null);
            model.TakeOwnership(file);
            if (options.Quantize is { } quantization)
            {
                model.Quantize(quantization);
            }

            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static unsafe void Bind(CausalLanguageModel model, GgufFile file, TransformerConfig config, Action<string>? bound)
    {
        var projections = model.named_modules().Where(m => m.module is Projection).ToDictionary(m => m.name + ".weight", m => (Projection)m.module, StringComparer.Ordinal);
        var parameters = model.named_parameters().ToList();
        var expected = new HashSet<string>(StringComparer.Ordinal);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in parameters)
        {
            var ggufName = GgufTensorNames.ForQwen2(name);
            expected.Add(ggufName);
            var info = file.Find(ggufName) ?? throw new ModelFormatException(file.FilePath, $"missing tensor '{ggufName}' (expected shape [{string.Join(", ", parameter.shape)}])");
            if (!GgufTensorTypes.IsSupported(info.Type))
            {
                throw new ModelFormatException(file.FilePath, $"tensor '{info.Name}' has type {GgufTensorTypes.NameOf(info.Type)}, which is not supported (supported: {GgufTensorTypes.Supported})");
            }

            if (!info.Shape.SequenceEqual(parameter.shape))
            {
                throw new ModelFormatException(file.FilePath, $"tensor '{info.Name}' has shape {info.ShapeText}, but the metadata implies [{string.Join(", ", parameter.shape)}]");
            }

            var heads = RotaryHeads(config, name);
            if (GgufTensorTypes.QuantizationOf(info.Type) is { } quantization)
            {
                var matrix = heads is { } h
                    ? Unpermute(file, info, quantization, h, config.HeadDim)
                    : QuantizedMatrix.Wrap(quantization, (int)info.Shape[0], (int)info.Shape[1], file.DataPointer(info));
                if (name == "model.embed_tokens.weight")
                {
                    model.Body.UseQuantizedEmbedding(matrix);
                }
                else if (projections.TryGetValue(name, out var projection))
                {
                    projection.UseQuantized(matrix);
                }
                else
                {
                    matrix.Dispose();
                    throw new ModelFormatException(file.FilePath, $"tensor '{info.Name}' is {info.Type}; only matrices may be quantized");
                }
            }
            else
            {
                CopyFloat(file, info, parameter, heads, config.HeadDim);
                bound?.Invoke(name);
            }
        }

        var unexpected = file.Tensors.Where(t => !expected.Contains(t.Name)).Select(t => t.Name).ToList();
        if (unexpected.Count > 0)
        {
            throw new ModelFormatException(file.FilePath,
                $"unexpected tensor '{unexpected[0]}'{(unexpected.Count > 1 ? $" (and {unexpected.Count - 1} more)" : string.Empty)} for a {config.Architecture} model with {config.LayerCount} layers");
        }
    }

    // llama.cpp permutes the rows of a llama model's q/k weights (and biases) per head; qwen2 files keep Hugging Face's order.
    private static int? RotaryHeads(TransformerConfig config, string name) =>
        config.Architecture != ModelArchitecture.Llama ? null
        : name.Contains(".self_attn.q_proj.", StringComparison.Ordinal) ? config.HeadCount
        : name.Contains(".self_attn.k_proj.", StringComparison.Ordinal) ? config.KeyValueHeadCount
        : null;

    /// <summary>GGUF row of Hugging Face row <paramref name="row"/> in a llama q/k matrix: per head, (j, i) ↔ (i, j) over [2, d/2].</summary>
    internal static int GgufRow(int row, int headDim)
    {
        var head = row / headDim;
        var within = row % headDim;
        var half = headDim / 2;
        return head * headDim + within % half * 2 + within / half;
    }

    private static unsafe QuantizedMatrix Unpermute(GgufFile file, GgufTensorInfo info, QuantizationType type, int heads, int headDim)
    {
        var rows = (int)info.Shape[0];
        var matrix = QuantizedMatrix.Allocate(type, rows, (int)info.Shape[1]);
        var source = file.DataPointer(info);
        for (var r = 0; r < rows; r++)
        {
            Buffer.MemoryCopy(source + GgufRow(r, headDim) * matrix.RowBytes, matrix.Data + r * matrix.RowBytes, matrix.RowBytes, matrix.RowBytes);
        }

        return matrix;
    }

    private static unsafe void CopyFloat(GgufFile file, GgufTensorInfo info, Tensor parameter, int? heads, int headDim)
    {
        var dtype = info.Type switch
        {
            GgufTensorType.F32 => ScalarType.Float32,
            GgufTensorType.BF16 => ScalarType.BFloat16,
            _ => ScalarType.Float16,
        };
        var elementBytes = info.Type == GgufTensorType.F32 ? 4 : 2;
        var rows = info.Shape[0];
        var rowElements = info.Shape.Skip(1).Aggregate(1L, (n, d) => n * d);
        var slab = Math.Max(1, SlabBytes / (rowElements * elementBytes));
        var source = file.DataPointer(info);
        for (long start = 0; start < rows; start += slab)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(slab, rows - start);
            var shape = info.Shape.ToArray();
            shape[0] = count;
            var values = empty(shape, dtype);
            new ReadOnlySpan<byte>(source + start * rowElements * elementBytes, checked((int)(count * rowElements * elementBytes))).CopyTo(values.bytes);
            parameter.narrow(0, start, count).copy_(values);
        }

        if (heads is not null)
        {
            // Row r of the Hugging Face tensor is GGUF row GgufRow(r).
            using var scope = NewDisposeScope();
            var order = tensor(Enumerable.Range(0, (int)rows).Select(r => (long)GgufRow(r, headDim)).ToArray(), ScalarType.Int64, parameter.device);
            parameter.copy_(parameter.index_select(0, order));
        }
    }
}
