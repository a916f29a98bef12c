using System.Text;
using TokenSkip.Models.Export;

namespace TokenSkip.Models.Tests.Export;

/// <summary>
/// An independent GGUF v3 parser for the tests: reads the header, metadata and tensor infos exactly as the format
/// describes them (not through the writer's code), and where the data section starts.
/// </summary>
internal sealed class GgufTestReader
{
    public required uint Version { get; init; }

    public required Dictionary<string, (GgufValueType Type, object Value)> Metadata { get; init; }

    public required List<string> MetadataOrder { get; init; }

    public required List<TensorInfo> Tensors { get; init; }

    /// <summary>Absolute file position of the data section.</summary>
    public required long DataStart { get; init; }

    public required long FileLength { get; init; }

    public static GgufTestReader Parse(byte[] file)
    {
        using var reader = new BinaryReader(new MemoryStream(file), Encoding.UTF8);
        var magic = Encoding.ASCII.GetString(reader.ReadBytes(4));
        if (magic != "GGUF")
        {
            throw new InvalidDataException($"magic '{magic}'");
        }

        var version = reader.ReadUInt32();
        var tensorCount = reader.ReadUInt64();
        var metadataCount = reader.ReadUInt64();
        var metadata = new Dictionary<string, (GgufValueType, object)>();
        var order = new List<string>();
        for (ulong i = 0; i < metadataCount; i++)
        {
            var key = ReadString(reader);
            var type = (GgufValueType)reader.ReadUInt32();
            metadata.Add(key, (type, ReadValue(reader, type)));
            order.Add(key);
        }

        var tensors = new List<TensorInfo>();
        for (ulong i = 0; i < tensorCount; i++)
        {
            var name = ReadString(reader);
            var dims = reader.ReadUInt32();
            var shape = Enumerable.Range(0, (int)dims).Select(_ => reader.ReadUInt64()).ToArray();
            tensors.Add(new TensorInfo(name, shape, reader.ReadUInt32(), reader.ReadUInt64()));
        }

        var alignment = metadata.TryGetValue("general.alignment", out var a) ? (uint)a.Item2 : 32u;
        var headerEnd = reader.BaseStream.Position;
        var dataStart = (headerEnd + alignment - 1) / alignment * alignment;
        return new GgufTestReader
        {
            Version = version,
            Metadata = metadata,
            MetadataOrder = order,
            Tensors = tensors,
            DataStart = dataStart,
            FileLength = file.Length,
        };
    }

    private static string ReadString(BinaryReader reader)
    {
        var length = reader.ReadUInt64();
        return Encoding.UTF8.GetString(reader.ReadBytes(checked((int)length)));
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
        GgufValueType.Bool => reader.ReadByte() switch
        {
            0 => false,
            1 => true,
            var b => throw new InvalidDataException($"bool byte {b}"),
        },
        GgufValueType.String => ReadString(reader),
        GgufValueType.UInt64 => reader.ReadUInt64(),
        GgufValueType.Int64 => reader.ReadInt64(),
        GgufValueType.Float64 => reader.ReadDouble(),
        GgufValueType.Array => ReadArray(reader),
        _ => throw new InvalidDataException($"value type {type}"),
    };

    private static object[] ReadArray(BinaryReader reader)
    {
        var elementType = (GgufValueType)reader.ReadUInt32();
        var count = reader.ReadUInt64();
        return Enumerable.Range(0, checked((int)count)).Select(_ => ReadValue(reader, elementType)).ToArray();
    }

    /// <summary>A tensor info as stored: dimensions innermost first, ggml type code, offset from the data start.</summary>
    public sealed record TensorInfo(string Name, ulong[] Dimensions, uint Type, ulong Offset)
    {
        public ulong ByteCount => Dimensions.Aggregate(1UL, (a, b) => a * b) * (Type == 0 ? 4UL : 2UL);
    }
}
