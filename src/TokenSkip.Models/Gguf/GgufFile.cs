using System.IO.MemoryMappedFiles;
using System.Text;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Export;

namespace TokenSkip.Models.Gguf;

/// <summary>
/// A GGUF file (llama.cpp's format, versions 2 and 3) opened for reading: its metadata parsed, its tensor data
/// memory-mapped read-only, so tensors are read (and quantized ones used by the kernels) where they lie in the page
/// cache, without a copy. Keep it open while anything reads <see cref="DataPointer"/>.
/// </summary>
public sealed unsafe class GgufFile : IDisposable
{
    private readonly MemoryMappedFile _mapping;
    private readonly MemoryMappedViewAccessor _view;
    private readonly Dictionary<string, GgufTensorInfo> _tensors;
    private byte* _base;

    private GgufFile(string path, IReadOnlyDictionary<string, object> metadata, List<GgufTensorInfo> tensors, long dataStart, long length)
    {
        FilePath = path;
        Metadata = metadata;
        Tensors = tensors;
        _tensors = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        DataStart = dataStart;
        _mapping = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _mapping.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref _base);
        _base += _view.PointerOffset;
    }

    /// <summary>The file's full path.</summary>
    public string FilePath { get; }

    /// <summary>Metadata key → value: <c>uint</c>, <c>int</c>, <c>float</c>, <c>bool</c>, <c>string</c>, … or an array of them.</summary>
    public IReadOnlyDictionary<string, object> Metadata { get; }

    /// <summary>The tensors, in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>The offset of the data section in the file.</summary>
    public long DataStart { get; }

    /// <summary>Opens <paramref name="path"/>.</summary>
    /// <exception cref="ModelFormatException">The file is missing, not GGUF, of an unknown version, or truncated; the message names the file.</exception>
    public static GgufFile Open(string path)
    {
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            throw new ModelFormatException(path, "GGUF file not found");
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            if (stream.Length < 24 || !reader.ReadBytes(4).AsSpan().SequenceEqual(GgufWriter.Magic))
            {
                throw new ModelFormatException(path, "not a GGUF file (no 'GGUF' magic)");
            }

            var version = reader.ReadUInt32();
            if (version is not (2 or 3))
            {
                throw new ModelFormatException(path, $"GGUF version {version} is not supported (2 and 3 are)");
            }

            var tensorCount = reader.ReadUInt64();
            var metadataCount = reader.ReadUInt64();
            if (tensorCount > 1_000_000 || metadataCount > 1_000_000)
            {
                throw new ModelFormatException(path, $"implausible header ({tensorCount} tensors, {metadataCount} metadata entries)");
            }

            var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
            for (ulong i = 0; i < metadataCount; i++)
            {
                var key = ReadString(reader);
                metadata[key] = ReadValue(reader, (GgufValueType)reader.ReadUInt32());
            }

            var tensors = new List<GgufTensorInfo>();
            for (ulong i = 0; i < tensorCount; i++)
            {
                var name = ReadString(reader);
                var dimensions = reader.ReadUInt32();
                if (dimensions is < 1 or > 4)
                {
                    throw new ModelFormatException(path, $"tensor '{name}' has {dimensions} dimensions");
                }

                var shape = new long[dimensions];
                for (var d = 0; d < dimensions; d++)
                {
                    shape[dimensions - 1 - d] = checked((long)reader.ReadUInt64());
                }

                tensors.Add(new GgufTensorInfo(name, shape, (GgufTensorType)reader.ReadUInt32(), reader.ReadUInt64()));
            }

            var alignment = metadata.TryGetValue("general.alignment", out var a) && a is uint value && value > 0 ? value : GgufWriter.Alignment;
            var dataStart = (stream.Position + alignment - 1) / alignment * alignment;
            foreach (var tensor in tensors.Where(t => GgufTensorTypes.IsSupported(t.Type)))
            {
                var end = dataStart + (long)tensor.Offset + (long)GgufTensorTypes.ByteCount(tensor.Type, tensor.Shape);
                if (end > stream.Length)
                {
                    throw new ModelFormatException(path, $"tensor '{tensor.Name}' {tensor.ShapeText} runs past the end of the file (truncated?)");
                }
            }

            return new GgufFile(path, metadata, tensors, dataStart, stream.Length);
        }
        catch (EndOfStreamException e)
        {
            throw new ModelFormatException(path, "truncated GGUF header", e);
        }
        catch (InvalidDataException e)
        {
            throw new ModelFormatException(path, e.Message, e);
        }
    }

    /// <summary>Whether the file has a tensor named <paramref name="name"/>.</summary>
    public bool Contains(string name) => _tensors.ContainsKey(name);

    /// <summary>The tensor named <paramref name="name"/>, or null.</summary>
    public GgufTensorInfo? Find(string name) => _tensors.GetValueOrDefault(name);

    /// <summary>The first byte of <paramref name="tensor"/>'s data in the mapping.</summary>
    /// <exception cref="ObjectDisposedException">The file was disposed.</exception>
    internal byte* DataPointer(GgufTensorInfo tensor) =>
        _base != null ? _base + DataStart + (long)tensor.Offset : throw new ObjectDisposedException(nameof(GgufFile));

    /// <summary>A metadata value of type <typeparamref name="T"/>, or <paramref name="fallback"/> when absent.</summary>
    /// <exception cref="ModelFormatException">The key holds another type.</exception>
    public T Get<T>(string key, T fallback)
    {
        if (!Metadata.TryGetValue(key, out var value))
        {
            return fallback;
        }

        return value is T typed ? typed : throw new ModelFormatException(FilePath, $"metadata '{key}' is a {value.GetType().Name}, expected {typeof(T).Name}");
    }

    /// <summary>A required metadata value of type <typeparamref name="T"/>.</summary>
    /// <exception cref="ModelFormatException">The key is missing or holds another type.</exception>
    public T Require<T>(string key) =>
        Metadata.ContainsKey(key) ? Get<T>(key, default!) : throw new ModelFormatException(FilePath, $"metadata '{key}' is missing");

    /// <summary>An integer metadata value of any integer type, or <paramref name="fallback"/>.</summary>
    public long GetInteger(string key, long fallback) => Metadata.TryGetValue(key, out var value)
        ? value switch
        {
            uint u => u,
            int i => i,
            ulong ul => checked((long)ul),
            long l => l,
            ushort us => us,
            short sh => sh,
            byte b => b,
            sbyte sb => sb,
            _ => throw new ModelFormatException(FilePath, $"metadata '{key}' is a {value.GetType().Name}, expected an integer"),
        }
        : fallback;

    /// <summary>A float metadata value (float32 or float64), or <paramref name="fallback"/>.</summary>
    public double GetReal(string key, double fallback) => Metadata.TryGetValue(key, out var value)
        ? value switch
        {
            float f => double.Parse(f.ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture), // 1e-6f → 1e-6
            double d => d,
            _ => throw new ModelFormatException(FilePath, $"metadata '{key}' is a {value.GetType().Name}, expected a float"),
        }
        : fallback;

    /// <summary>Unmaps the file.</summary>
    public void Dispose()
    {
        if (_base != null)
        {
            _base = null;
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _mapping.Dispose();
        }
    }

    private static string ReadString(BinaryReader reader)
    {
        var length = reader.ReadUInt64();
        if (length > int.MaxValue)
        {
            throw new EndOfStreamException();
        }

        return Encoding.UTF8.GetString(reader.ReadBytes((int)length));
    }

    private static object ReadValue(BinaryReader reader, GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => reader.ReadByte(),
        GgufValueType.Int8 => reader.ReadSByte(),
        GgufValueType.UInt16 => reader.ReadUInt16(),
        GgufValueType.Int16 => reader.ReadInt16(),
        GgufValueType.UInt32 => reader.ReadUInt32(),
        GgufValueType.Int32 => reader.ReadInt32(),
        GgufValueType.Float32 => reader.ReadSingle(),
        GgufValueType.Bool => reader.ReadByte() != 0,
        GgufValueType.String => ReadString(reader),
        GgufValueType.UInt64 => reader.ReadUInt64(),
        GgufValueType.Int64 => reader.ReadInt64(),
        GgufValueType.Float64 => reader.ReadDouble(),
        GgufValueType.Array => ReadArray(reader),
        _ => throw new InvalidDataException($"unknown GGUF value type {(uint)type}"),
    };

    private static object ReadArray(BinaryReader reader)
    {
        var type = (GgufValueType)reader.ReadUInt32();
        var count = reader.ReadUInt64();
        if (count > int.MaxValue)
        {
            throw new EndOfStreamException();
        }

        return type switch
        {
            GgufValueType.String => Fill(new string[count], () => ReadString(reader)),
            GgufValueType.Int32 => Fill(new int[count], reader.ReadInt32),
            GgufValueType.UInt32 => Fill(new uint[count], reader.ReadUInt32),
            GgufValueType.Float32 => Fill(new float[count], reader.ReadSingle),
            GgufValueType.UInt8 => reader.ReadBytes((int)count),
            _ => Fill(new object[count], () => ReadValue(reader, type)),
        };
    }

    private static T[] Fill<T>(T[] values, Func<T> read)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = read();
        }

        return values;
    }
}
