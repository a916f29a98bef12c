using LLama;
using LLama.Native;
using TokenSkip.Models.Export;
using TokenSkip.Models.Runtime;
using TokenSkip.Models.Transformer;

namespace TokenSkip.Bench;

/// <summary>
/// The benchmark's model, one set of seeded random float32 weights of Qwen2.5-0.5B's shape, written three ways: a
/// Hugging Face folder (our engine), GGUF F32 and GGUF F16 (llama.cpp). Files are written atomically, so any that
/// exist are complete and are reused.
/// </summary>
internal sealed class ModelFiles
{
    private ModelFiles(string folder)
    {
        Folder = folder;
    }

    public string Folder { get; }

    public string HuggingFaceFolder => Path.Combine(Folder, "hf");

    public string GgufF32 => Path.Combine(Folder, "model-f32.gguf");

    public string GgufF16 => Path.Combine(Folder, "model-f16.gguf");

    /// <summary>The GGUF file llama.cpp's quantizer writes for <paramref name="type"/> ("q8_0", "q4_0", "q4_k_m").</summary>
    public string GgufQuantized(string type) => Path.Combine(Folder, $"model-{type.ToLowerInvariant()}.gguf");

    /// <summary>The GGUF file llama.cpp runs at <paramref name="precision"/> ("F32", "F16", "Q8_0", …).</summary>
    public string GgufFor(string precision) => precision switch
    {
        "F32" => GgufF32,
        "F16" => GgufF16,
        _ => GgufQuantized(precision),
    };

    /// <summary>Quantizes the F16 file with llama.cpp's own quantizer (through LLamaSharp) unless the file exists.</summary>
    public void EnsureQuantized(string type, int threads, Action<string> report)
    {
        var path = GgufQuantized(type);
        if (File.Exists(path))
        {
            return;
        }

        var ftype = type.ToLowerInvariant() switch
        {
            "q8_0" => LLamaFtype.MOSTLY_Q8_0,
            "q4_0" => LLamaFtype.MOSTLY_Q4_0,
            "q4_k_m" => LLamaFtype.MOSTLY_Q4_K_M,
            _ => throw new ArgumentException($"quantized type '{type}' is not one of q8_0, q4_0, q4_k_m"),
        };

        // LLamaQuantizer calls into llama.cpp without loading the native library first.
        NativeApi.llama_empty_call();
        report($"  quantizing the F16 file to {type} with llama.cpp's quantizer");
        var partial = path + ".partial";
        if (!LLamaQuantizer.Quantize(GgufF16, partial, ftype, threads))
        {
            throw new InvalidOperationException($"llama.cpp could not quantize {GgufF16} to {type}");
        }

        File.Move(partial, path, overwrite: true);
    }

    public static ModelFiles Ensure(string workFolder, int seed, Action<string> report)
    {
        var files = new ModelFiles(Path.Combine(workFolder, $"qwen2.5-0.5b-shape-seed{seed}"));
        var safetensors = Path.Combine(files.HuggingFaceFolder, "model.safetensors");
        if (File.Exists(safetensors) && File.Exists(Path.Combine(files.HuggingFaceFolder, "config.json"))
            && File.Exists(files.GgufF32) && File.Exists(files.GgufF16))
        {
            report($"reusing model files in {files.Folder}");
            return files;
        }

        report($"creating random Qwen2.5-0.5B-shaped weights (seed {seed}) in {files.Folder}");
        using var model = new CausalLanguageModel(QwenShape.Config, new ModelLoadOptions { DType = TorchSharp.torch.ScalarType.Float32 })
            .InitializeRandom(seed);
        model.Save(files.HuggingFaceFolder, new Dictionary<string, string> { ["source"] = $"TokenSkip.Bench random weights, seed {seed}" });
        report("  wrote the Hugging Face folder; writing GGUF F32");
        GgufModelExport.WriteQwen2(model, files.GgufF32, GgufTensorType.F32, $"random Qwen2.5-0.5B shape, seed {seed}");
        report("  writing GGUF F16");
        GgufModelExport.WriteQwen2(model, files.GgufF16, GgufTensorType.F16, $"random Qwen2.5-0.5B shape, seed {seed}");
        return files;
    }
}
