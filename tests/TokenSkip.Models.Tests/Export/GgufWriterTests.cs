using TokenSkip.Models.Export;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TokenSkip.Models.Tests.Export;

public sealed class GgufWriterTests
{
    [Fact]
    public void HeaderMetadataAndTensorInfosReadBackAsWritten()
    {
        using var scope = NewDisposeScope();
        var matrix = randn([3, 5], generator: new Generator(1));
        var vector = randn([7], generator: new Generator(2));
        var cube = randn([2, 3, 4], generator: new Generator(3));
        var writer = new GgufWriter()
            .Add("general.architecture", GgufMetadataValue.Of("qwen2"))
            .Add("test.unsigned", GgufMetadataValue.Of(4_000_000_000u))
            .Add("test.signed", GgufMetadataValue.Of(-17))
            .Add("test.float", GgufMetadataValue.Of(1e-6f))
            .Add("test.bool", GgufMetadataValue.Of(true))
            .Add("test.long", GgufMetadataValue.Of(1UL << 40))
            .Add("test.strings", GgufMetadataValue.Of(["a", "ĠÄ", string.Empty]))
            .Add("test.ints", GgufMetadataValue.Of([1, -2, 3]))
            .Add("test.floats", GgufMetadataValue.Of([0.5f, -1.25f]))
            .AddTensor("matrix", matrix, GgufTensorType.F32)
            .AddTensor("vector", vector, GgufTensorType.F32)
            .AddTensor("cube", cube, GgufTensorType.F16);

        var bytes = WriteToBytes(writer);
        var file = GgufTestReader.Parse(bytes);

        Assert.Equal("GGUF"u8.ToArray(), bytes[..4]);
        Assert.Equal(3u, file.Version);
        Assert.Equal(["general.alignment", "general.architecture", "test.unsigned", "test.signed", "test.float", "test.bool",
            "test.long", "test.strings", "test.ints", "test.floats"], file.MetadataOrder);
        Assert.Equal((GgufValueType.UInt32, (object)32u), file.Metadata["general.alignment"]);
        Assert.Equal((GgufValueType.String, (object)"qwen2"), file.Metadata["general.architecture"]);
        Assert.Equal((GgufValueType.UInt32, (object)4_000_000_000u), file.Metadata["test.unsigned"]);
        Assert.Equal((GgufValueType.Int32, (object)-17), file.Metadata["test.signed"]);
        Assert.Equal((GgufValueType.Float32, (object)1e-6f), file.Metadata["test.float"]);
        Assert.Equal((GgufValueType.Bool, (object)true), file.Metadata["test.bool"]);
        Assert.Equal((GgufValueType.UInt64, (object)(1UL << 40)), file.Metadata["test.long"]);
        Assert.Equal(new object[] { "a", "ĠÄ", string.Empty }, (object[])file.Metadata["test.strings"].Value);
        Assert.Equal(new object[] { 1, -2, 3 }, (object[])file.Metadata["test.ints"].Value);
        Assert.Equal(new object[] { 0.5f, -1.25f }, (object[])file.Metadata["test.floats"].Value);

        Assert.Equal(["matrix", "vector", "cube"], file.Tensors.Select(t => t.Name));
        Assert.Equal([5UL, 3UL], file.Tensors[0].Dimensions); // innermost first
        Assert.Equal([7UL], file.Tensors[1].Dimensions);
        Assert.Equal([4UL, 3UL, 2UL], file.Tensors[2].Dimensions);
        Assert.Equal([0u, 0u, 1u], file.Tensors.Select(t => t.Type));

        // Data section and every tensor 32-byte aligned, packed in order, the file ending after the last (padded) one.
        Assert.Equal(0, file.DataStart % 32);
        ulong expectedOffset = 0;
        foreach (var tensor in file.Tensors)
        {
            Assert.Equal(0UL, tensor.Offset % 32);
            Assert.Equal(expectedOffset, tensor.Offset);
            expectedOffset = (tensor.Offset + tensor.ByteCount + 31) / 32 * 32;
        }

        Assert.Equal(file.DataStart + (long)expectedOffset, file.FileLength);
        Assert.Equal(matrix.data<float>().ToArray(), ReadFloats(bytes, file, 0));
        Assert.Equal(vector.data<float>().ToArray(), ReadFloats(bytes, file, 1));
        var cubeInfo = file.Tensors[2];
        var halves = bytes.AsSpan((int)(file.DataStart + (long)cubeInfo.Offset), (int)cubeInfo.ByteCount).ToArray();
        Assert.Equal(cube.to_type(ScalarType.Float16).bytes.ToArray(), halves);
    }

    [Fact]
    public void RepeatedKeysAndBadTensorNamesAreRefused()
    {
        using var scope = NewDisposeScope();
        var writer = new GgufWriter().Add("a", GgufMetadataValue.Of(1u)).AddTensor("t", zeros(2), GgufTensorType.F32);

        Assert.Throws<ArgumentException>(() => writer.Add("a", GgufMetadataValue.Of(2u)));
        Assert.Throws<ArgumentException>(() => writer.Add("general.alignment", GgufMetadataValue.Of(64u)));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("t", zeros(2), GgufTensorType.F32));
        Assert.Throws<ArgumentException>(() => writer.AddTensor(new string('x', 64), zeros(2), GgufTensorType.F32));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("scalar", tensor(1f), GgufTensorType.F32));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("five", zeros([1, 1, 1, 1, 1]), GgufTensorType.F32));
    }

    internal static byte[] WriteToBytes(GgufWriter writer)
    {
        using var stream = new MemoryStream();
        writer.Write(stream);
        return stream.ToArray();
    }

    private static float[] ReadFloats(byte[] bytes, GgufTestReader file, int index)
    {
        var info = file.Tensors[index];
        var span = bytes.AsSpan((int)(file.DataStart + (long)info.Offset), (int)info.ByteCount);
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(span).ToArray();
    }
}
