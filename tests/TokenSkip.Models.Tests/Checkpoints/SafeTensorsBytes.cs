using System.Buffers.Binary;
using System.Text;

namespace TokenSkip.Models.Tests.Checkpoints;

/// <summary>Builds raw safetensors files byte by byte, so tests can write broken ones.</summary>
internal static class SafeTensorsBytes
{
    public static byte[] Build(string headerJson, int dataBytes)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }
}
