using System.Text;
using TokenSkip.Core.IO;
using TorchSharp;

namespace TokenSkip.Models.Export;

/// <summary>
/// Writes a GGUF version 3 file (the format of llama.cpp): header, metadata key/values, tensor infos, then the tensor
/// data, each tensor starting at a multiple of <see cref="Alignment"/> bytes from the start of the data section.
/// Tensors are F32, F16, BF16, Q8_0 or Q4_0; they are converted (quantized with ggml's reference arithmetic) from
/// whatever float type they have when the file is written.
/// </summary>
/// <remarks>
/// Layout (all integers little-endian): magic "GGUF", version (u32), tensor count (u64), metadata count (u64); each
/// key/value: key (u64 length + UTF-8), value type (u32), value; each tensor info: name, dimension count (u32),
/// dimensions (u64 each, innermost first: a [rows, columns] matrix is written as [columns, rows]), ggml type (u32),
/// data offset (u64); zero padding to the alignment; the data.
/// </remarks>
public sealed class GgufWriter
{
    /// <summary>The file format version written.</summary>
    public const uint Version = 3;

    /// <summary>Alignment of the data section and of every tensor in it (GGUF's default, stored as <c>general.alignment</c>).</summary>
    public const int Alignment = 32;

    /// <summary>The file's first four bytes.</summary>
    public static ReadOnlySpan<byte> Magic => "GGUF"u8;

    // ggml's GGML_MAX_NAME (including the terminator) and GGML_MAX_DIMS.
    private const int MaxNameBytes = 63;
    private const int MaxDimensions = 4;

    private readonly List<KeyValuePair<string, GgufMetadataValue>> _metadata = [];
    private readonly List<Entry> _tensors = [];

    /// <summary>Creates a writer holding only <c>general.alignment</c>.</summary>
    public GgufWriter() => Add("general.alignment", GgufMetadataValue.Of((uint)Alignment));

    /// <summary>The metadata added so far, in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, GgufMetadataValue>> Metadata => _metadata;

    /// <summary>Adds a metadata key/value.</summary>
    /// <exception cref="ArgumentException">The key is empty or already present.</exception>
    public GgufWriter Add(string key, GgufMetadataValue value)
    {
        if (string.IsNullOrEmpty(key) || _metadata.Any(m => m.Key == key))
        {
            throw new ArgumentException($"metadata key '{key}' is empty or already present", nameof(key));
        }

        _metadata.Add(new(key, value));
        return this;
    }

    /// <summary>
    /// Adds a tensor under <paramref name="name"/>. <paramref name="tensor"/> has PyTorch's shape (outermost first) and
    /// any float type; it is converted to <paramref name="type"/> when the file is written, so keep it alive until then.
    /// </summary>
    /// <exception cref="ArgumentException">The name is too long or repeated, or the tensor has no or too many dimensions.</exception>
    public GgufWriter AddTensor(string name, torch.Tensor tensor, GgufTensorType type)
    {
        if (string.IsNullOrEmpty(name) || Encoding.UTF8.GetByteCount(name) > MaxNameBytes || _tensors.Any(t => t.Name == name))
        {
            throw new ArgumentException($"tensor name '{name}' is empty, longer than {MaxNameBytes} bytes or already present", nameof(name));
        }

        if (tensor.dim() is < 1 or > MaxDimensions)
        {
            throw new ArgumentException($"tensor '{name}' has {tensor.dim()} dimensions; GGUF allows 1 to {MaxDimensions}", nameof(tensor));
        }

        if (!GgufTensorTypes.IsWritable(type)
            || (GgufTensorTypes.QuantizationOf(type) is not null && (tensor.dim() != 2 || !Quantization.QuantizedMatrix.CanQuantize((int)tensor.shape[1]))))
        {
            throw new ArgumentException($"tensor '{name}' [{string.Join(", ", tensor.shape)}] cannot be written as {type} (F32, F16 and BF16 take any tensor; Q8_0 and Q4_0 matrices whose rows are a multiple of 32)", nameof(type));
        }

        _tensors.Add(new Entry(name, tensor, type));
        return this;
    }

    /// <summary>Writes the file atomically (complete under its name, or not at all).</summary>
    public void Write(string path) => AtomicFile.Write(path, Write);

    /// <summary>Writes the file to <paramref name="stream"/>.</summary>
    public void Write(Stream stream)
    {
        using (var header = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            header.Write(Magic);
            header.Write(Version);
            header.Write((ulong)_tensors.Count);
            header.Write((ulong)_metadata.Count);
            foreach (var (key, value) in _metadata)
            {
                WriteString(header, key);
                WriteValue(header, value);
            }

            ulong offset = 0;
            foreach (var tensor in _tensors)
            {
                WriteString(header, tensor.Name);
                var shape = tensor.Tensor.shape;
                header.Write((uint)shape.Length);
                for (var i = shape.Length - 1; i >= 0; i--)
                {
                    header.Write((ulong)shape[i]);
                }

                header.Write((uint)tensor.Type);
                header.Write(offset);
                offset = AlignUp(offset + tensor.ByteCount);
            }
        }

        var position = stream.Position;
        WritePadding(stream, (long)AlignUp((ulong)position) - position);
        foreach (var tensor in _tensors)
        {
            using var scope = torch.NewDisposeScope();
            if (GgufTensorTypes.QuantizationOf(tensor.Type) is { } quantization)
            {
                using var matrix = Quantization.TensorQuantizer.Quantize(tensor.Tensor, quantization);
                stream.Write(matrix.Bytes);
            }
            else
            {
                var elementType = tensor.Type switch
                {
                    GgufTensorType.F32 => torch.ScalarType.Float32,
                    GgufTensorType.BF16 => torch.ScalarType.BFloat16,
                    _ => torch.ScalarType.Float16,
                };
                tensor.Tensor.detach().cpu().to_type(elementType).contiguous().WriteBytesToStream(stream, 4 << 20);
            }

            WritePadding(stream, (long)(AlignUp(tensor.ByteCount) - tensor.ByteCount));
        }
    }

    private static ulong AlignUp(ulong value) => (value + Alignment - 1) / Alignment * Alignment;

    private static void WritePadding(Stream stream, long count)
    {
        Span<byte> zeros = stackalloc byte[Alignment];
        stream.Write(zeros[..(int)count]);
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private static void WriteValue(BinaryWriter writer, GgufMetadataValue value)
    {
        writer.Write((uint)value.Type);
        if (value.Type != GgufValueType.Array)
        {
            WriteScalar(writer, value.Type, value.Value);
            return;
        }

        var items = (Array)value.Value;
        writer.Write((uint)value.ElementType);
        writer.Write((ulong)items.Length);
        foreach (var item in items)
        {
            WriteScalar(writer, value.ElementType, item!);
        }
    }

    private static void WriteScalar(BinaryWriter writer, GgufValueType type, object value)
    {
        switch (type)
        {
            case GgufValueType.String:
                WriteString(writer, (string)value);
                break;
            case GgufValueType.UInt32:
                writer.Write((uint)value);
                break;
            case GgufValueType.Int32:
                writer.Write((int)value);
                break;
            case GgufValueType.UInt64:
                writer.Write((ulong)value);
                break;
            case GgufValueType.Float32:
                writer.Write((float)value);
                break;
            case GgufValueType.Bool:
                writer.Write((bool)value ? (byte)1 : (byte)0);
                break;
            default:
                throw new NotSupportedException($"GGUF value type {type} is not written by this writer");
        }
    }

    private sealed record Entry(string Name, torch.Tensor Tensor, GgufTensorType Type)
    {
        public ulong ByteCount => GgufTensorTypes.ByteCount(Type, Tensor.shape);
    }
}
