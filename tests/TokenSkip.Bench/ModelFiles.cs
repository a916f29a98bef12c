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
