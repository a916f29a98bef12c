using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace TokenSkip.TestSupport;

/// <summary>
/// Writes a PEFT adapter folder the way PEFT lays it out, without the code under test: adapter_config.json from a
/// JSON object and adapter_model.safetensors (F32, written byte by byte) from named float arrays.
/// </summary>
public static class PeftAdapterFolder
{
    public static JsonObject Config(int r, double alpha, JsonNode targetModules, bool useRslora = false) => new()
    {
        ["peft_type"] = "LORA",
        ["task_type"] = "CAUSAL_LM",
        ["r"] = r,
        ["lora_alpha"] = alpha,
        ["lora_dropout"] = 0.0,
        ["target_modules"] = targetModules,
        ["bias"] = "none",
        ["use_rslora"] = useRslora,
        ["modules_to_save"] = null,
        ["fan_in_fan_out"] = false,
        ["inference_mode"] = true,
        ["base_model_name_or_path"] = "tiny",
    };

    public static void Write(string folder, JsonObject config, IReadOnlyDictionary<string, (long[] Shape, float[] Values)> tensors)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "adapter_config.json"), config.ToJsonString());
        WriteSafeTensors(Path.Combine(folder, "adapter_model.safetensors"), tensors);
    }

    public static void WriteSafeTensors(string path, IReadOnlyDictionary<string, (long[] Shape, float[] Values)> tensors)
    {
        var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt" } };
        long offset = 0;
        foreach (var (name, (shape, values)) in tensors)
        {
            var bytes = values.Length * 4L;
            header[name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(shape.Select(s => (JsonNode)JsonValue.Create(s)).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }

        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        using var stream = File.Create(path);
        var prefix = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)headerBytes.Length);
        stream.Write(prefix);
        stream.Write(headerBytes);
        foreach (var (_, (_, values)) in tensors)
        {
            var data = new byte[values.Length * 4];
            Buffer.BlockCopy(values, 0, data, 0, data.Length);
            stream.Write(data);
        }
    }

    /// <summary>Deterministic small values in [-0.5, 0.5).</summary>
    public static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
    }
}
