using System.Buffers.Binary;
using System.Text.Json;
using TorchSharp;

namespace TokenSkip.Models.Checkpoints;

/// <summary>
/// A validated view of one <c>.safetensors</c> file: the header is parsed and checked when the file is opened
/// (dtype, shape, offsets inside the file, byte sizes), and tensors are read on demand.
/// </summary>
/// <remarks>
/// Format: an 8-byte little-endian header length N, N bytes of JSON
/// <c>{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}</c>, then the raw data, with
/// offsets relative to the end of the header.
/// </remarks>
public sealed class SafeTensorsFile
{
    private const long MaxHeaderBytes = 100L * 1024 * 1024;
    private readonly long _dataStart;

    private SafeTensorsFile(string path, long dataStart, IReadOnlyDictionary<string, SafeTensorEntry> entries,
        IReadOnlyDictionary<string, string> metadata)
    {
        FilePath = path;
        _dataStart = dataStart;
        Entries = entries;
        Metadata = metadata;
    }

    /// <summary>The file's path.</summary>
    public string FilePath { get; }

    /// <summary>Every tensor in the file, by name.</summary>
    public IReadOnlyDictionary<string, SafeTensorEntry> Entries { get; }

    /// <summary>The optional <c>__metadata__</c> map.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens and validates a safetensors file.</summary>
    /// <exception cref="ModelFormatException">The file is missing, truncated or its header is invalid.</exception>
    public static SafeTensorsFile Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelFormatException(path, "file not found");
        }

        using var stream = File.OpenRead(path);
        var fileLength = stream.Length;
        Span<byte> prefix = stackalloc byte[8];
        if (fileLength < 8 || stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
        {
            throw new ModelFormatException(path, $"not a safetensors file: {fileLength} bytes, shorter than the 8-byte header length");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength == 0 || headerLength > MaxHeaderBytes || (long)headerLength > fileLength - 8)
        {
            throw new ModelFormatException(path,
                $"header length {headerLength} is impossible for a file of {fileLength} bytes (truncated or not safetensors)");
        }

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var dataStart = 8 + (long)headerLength;
        var (entries, metadata) = ParseHeader(path, header, fileLength - dataStart);
        return new SafeTensorsFile(path, dataStart, entries, metadata);
    }

    /// <summary>Reads a tensor into a new CPU tensor of its stored dtype.</summary>
    public torch.Tensor Read(string name)
    {
        var entry = Get(name);
        var tensor = torch.empty(entry.Shape, entry.ScalarType, torch.CPU);
        try
        {
            ReadInto(entry, tensor);
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Copies a tensor into <paramref name="destination"/>, which must have the same shape (any dtype and device;
    /// values are converted). Shapes are checked here because TorchSharp's <c>copy_</c> would broadcast.
    /// </summary>
    public void CopyTo(string name, torch.Tensor destination)
    {
        var entry = Get(name);
        if (!entry.Shape.SequenceEqual(destination.shape))
        {
            throw new ModelFormatException(FilePath,
                $"tensor '{name}' has shape {entry.ShapeText}, expected [{string.Join(", ", destination.shape)}]");
        }

        using var noGrad = torch.no_grad();
        if (destination.dtype == entry.ScalarType && destination.device_type == DeviceType.CPU && destination.is_contiguous())
        {
            ReadInto(entry, destination);
            return;
        }

        using var staged = Read(name);
        destination.copy_(staged);
    }

    /// <summary>The entry for <paramref name="name"/>; throws naming the file when absent.</summary>
    public SafeTensorEntry Get(string name) =>
        Entries.TryGetValue(name, out var entry)
            ? entry
            : throw new ModelFormatException(FilePath, $"tensor '{name}' not found");

    private void ReadInto(SafeTensorEntry entry, torch.Tensor destination)
    {
        using var stream = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        stream.Seek(_dataStart + entry.Begin, SeekOrigin.Begin);
        try
        {
            destination.ReadBytesFromStream(stream, 4 << 20);
        }
        catch (EndOfStreamException e)
        {
            throw new ModelFormatException(FilePath, $"tensor '{entry.Name}' ends past the end of the file (truncated?)", e);
        }
    }

    private static (Dictionary<string, SafeTensorEntry>, Dictionary<string, string>) ParseHeader(
        string path, byte[] header, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(path, $"header is not valid JSON ({e.Message})", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelFormatException(path, "header must be a JSON object");
            }

            var entries = new Dictionary<string, SafeTensorEntry>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    ReadMetadata(path, property.Value, metadata);
                    continue;
                }

                entries[property.Name] = ParseEntry(path, property.Name, property.Value, dataLength);
            }

            return (entries, metadata);
        }
    }

    private static void ReadMetadata(string path, JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ModelFormatException(path, "__metadata__ must be an object of strings");
        }

        foreach (var item in element.EnumerateObject())
        {
            metadata[item.Name] = item.Value.ValueKind == JsonValueKind.String ? item.Value.GetString()! : item.Value.GetRawText();
        }
    }

    private static SafeTensorEntry ParseEntry(string path, string name, JsonElement element, long dataLength)
    {
        string Fail(string what) => throw new ModelFormatException(path, $"tensor '{name}': {what}");

        if (element.ValueKind != JsonValueKind.Object)
        {
            Fail("header entry must be an object");
        }

        var dtype = element.TryGetProperty("dtype", out var d) && d.ValueKind == JsonValueKind.String
            ? d.GetString()!
            : Fail("missing string field 'dtype'");
        if (!SafeTensorDType.TryParse(dtype, out _, out var elementSize))
        {
            Fail($"unsupported dtype '{dtype}' (supported: F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL)");
        }

        if (!element.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            Fail("missing array field 'shape'");
        }

        var shape = shapeElement.EnumerateArray()
            .Select(x => x.ValueKind == JsonValueKind.Number && x.TryGetInt64(out var v) && v >= 0 ? v : -1)
            .ToArray();
        if (shape.Any(x => x < 0))
        {
            Fail($"shape {shapeElement.GetRawText()} must hold non-negative integers");
        }

        if (!element.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array ||
            offsets.GetArrayLength() != 2 || !offsets[0].TryGetInt64(out var begin) || !offsets[1].TryGetInt64(out var end))
        {
            Fail("missing field 'data_offsets' ([begin, end] integers)");
            return null!;
        }

        if (begin < 0 || end < begin)
        {
            Fail($"data_offsets [{begin}, {end}] are not an increasing pair");
        }

        if (end > dataLength)
        {
            Fail($"data_offsets [{begin}, {end}] run past the end of the data ({dataLength} bytes; file truncated?)");
        }

        var expectedBytes = shape.Aggregate(1L, (a, b) => a * b) * elementSize;
        if (end - begin != expectedBytes)
        {
            Fail($"data_offsets [{begin}, {end}] span {end - begin} bytes but {dtype} {FormatShape(shape)} needs {expectedBytes}");
        }

        return new SafeTensorEntry(name, dtype, shape, begin, end, path);
    }

    private static string FormatShape(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
