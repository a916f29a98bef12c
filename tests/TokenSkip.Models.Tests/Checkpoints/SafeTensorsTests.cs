using TokenSkip.Models.Checkpoints;
using TokenSkip.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace TokenSkip.Models.Tests.Checkpoints;

/// <summary>Reading, writing and rejecting safetensors files.</summary>
public sealed class SafeTensorsTests
{
    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.BFloat16)]
    [InlineData(ScalarType.Int64)]
    public void WriteThenReadRoundTripsValuesShapesAndMetadata(ScalarType dtype)
    {
        using var folder = new TempFolder();
        var path = folder.Combine("t.safetensors");
        using var a = arange(24, ScalarType.Float32).reshape(2, 3, 4).to_type(dtype);
        using var b = tensor(new float[] { 1.5f, -2.25f }).to_type(dtype);

        SafeTensorsWriter.Write(path, [new("b", b), new("a", a)], new Dictionary<string, string> { ["format"] = "pt" });
        var file = SafeTensorsFile.Open(path);

        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal([2L, 3, 4], file.Entries["a"].Shape);
        Assert.Equal(0, file.Entries["a"].Begin); // keys are written in ordinal order
        using var readA = file.Read("a");
        using var readB = file.Read("b");
        Assert.Equal(dtype, readA.dtype);
        Assert.True(readA.equal(a).all().item<bool>());
        Assert.True(readB.equal(b).all().item<bool>());
        Assert.Equal(0, (8 + new FileInfo(path).Length - 8 - file.Entries.Values.Max(e => e.End)) % 8);
    }

    [Fact]
    public void CopyToConvertsDtypeAndRefusesAnotherShape()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("t.safetensors");
        using var source = tensor(new float[] { 1, 2, 3, 4, 5, 6 }).reshape(2, 3).to_type(ScalarType.BFloat16);
        SafeTensorsWriter.Write(path, [new("w", source)]);
        var file = SafeTensorsFile.Open(path);

        using var destination = zeros(2, 3);
        file.CopyTo("w", destination);
        Assert.Equal([1f, 2, 3, 4, 5, 6], destination.data<float>().ToArray());

        using var wrong = zeros(3, 2);
        var error = Assert.Throws<ModelFormatException>(() => file.CopyTo("w", wrong));
        Assert.Contains("tensor 'w' has shape [2, 3], expected [3, 2]", error.Message);
        Assert.Contains("t.safetensors", error.Message);
    }

    [Theory]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,160]}}", 16, "run past the end of the data")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,12]}}", 16, "needs 16")]
    [InlineData("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[4],\"data_offsets\":[0,4]}}", 16, "unsupported dtype 'F8_E4M3'")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[-4],\"data_offsets\":[0,16]}}", 16, "non-negative")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4]}}", 16, "data_offsets")]
    [InlineData("{\"w\":{\"shape\":[4],\"data_offsets\":[0,16]}}", 16, "dtype")]
    [InlineData("{\"w\": [1,2,3]}", 16, "must be an object")]
    [InlineData("{not json", 16, "not valid JSON")]
    public void BrokenHeadersAreRejectedNamingTheTensor(string header, int dataBytes, string expected)
    {
        using var folder = new TempFolder();
        var path = folder.Combine("bad.safetensors");
        File.WriteAllBytes(path, SafeTensorsBytes.Build(header, dataBytes));

        var error = Assert.Throws<ModelFormatException>(() => SafeTensorsFile.Open(path));

        Assert.Contains(expected, error.Message);
        Assert.Contains("bad.safetensors", error.Message);
    }

    [Fact]
    public void TruncatedFilesAreRejected()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("t.safetensors");
        using var t = ones(64);
        SafeTensorsWriter.Write(path, [new("w", t)]);
        var bytes = File.ReadAllBytes(path);

        File.WriteAllBytes(path, bytes[..^10]);
        Assert.Contains("past the end", Assert.Throws<ModelFormatException>(() => SafeTensorsFile.Open(path)).Message);

        File.WriteAllBytes(path, bytes[..20]);
        Assert.Contains("header length", Assert.Throws<ModelFormatException>(() => SafeTensorsFile.Open(path)).Message);

        File.WriteAllBytes(path, bytes[..5]);
        Assert.Contains("shorter than the 8-byte header length", Assert.Throws<ModelFormatException>(() => SafeTensorsFile.Open(path)).Message);
    }
}
