using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TokenSkip.Core.IO;
using TorchSharp;

namespace TokenSkip.Models.Checkpoints;

/// <summary>
/// Writes tensors in the safetensors format, atomically: the file appears complete under its name or not at all.
/// Keys are written in ordinal order, with 8-byte aligned data as the reference implementation does.
/// </summary>
public static class SafeTensorsWriter
{
    /// <summary>Writes <paramref name="tensors"/> (any device; copied to CPU as needed) and optional metadata to <paramref name="path"/>.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ordered = tensors.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        var header = BuildHeader(ordered, metadata);

        AtomicFile.Write(path, stream =>
        {
            Span<byte> lengthBytes = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(lengthBytes, (ulong)header.Length);
            stream.Write(lengthBytes);
            stream.Write(header);
            foreach (var (_, tensor) in ordered)
            {
                using var scope = torch.NewDisposeScope();
                tensor.detach().cpu().contiguous().WriteBytesToStream(stream, 4 << 20);
            }
        });
    }

    private static byte[] BuildHeader(List<KeyValuePair<string, torch.Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            long position = 0;
            for (var i = 0; i < tensors.Count; i++)
            {
                var (name, tensor) = tensors[i];
                var bytes = tensor.NumberOfElements * tensor.ElementSize;
                json.WriteStartObject(name);
                json.WriteString("dtype", SafeTensorDType.NameOf(tensor.dtype));
                json.WriteStartArray("shape");
                foreach (var dim in tensor.shape)
                {
                    json.WriteNumberValue(dim);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(position);
                json.WriteNumberValue(position + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                position += bytes;
            }

            json.WriteEndObject();
        }

        // Pad the header with spaces to a multiple of 8 so the data is aligned (as the reference writer does).
        var length = (int)buffer.Length;
        var padded = (length + 7) / 8 * 8;
        var header = new byte[padded];
        buffer.ToArray().CopyTo(header, 0);
        Encoding.ASCII.GetBytes(new string(' ', padded - length)).CopyTo(header, length);
        return header;
    }
}
