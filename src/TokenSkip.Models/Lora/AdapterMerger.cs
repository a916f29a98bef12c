using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Loading;
using TokenSkip.Models.Runtime;

namespace TokenSkip.Models.Lora;

/// <summary>Writes a base model with a PEFT LoRA adapter merged into its weights, as a Hugging Face model folder.</summary>
public static class AdapterMerger
{
    /// <summary>
    /// Loads <paramref name="modelFolder"/>, merges the adapter in <paramref name="adapterFolder"/>, and writes
    /// <c>config.json</c>, <c>model.safetensors</c> and the base folder's tokenizer files to <paramref name="outputFolder"/>.
    /// </summary>
    /// <exception cref="ModelFormatException">The model or adapter is missing or malformed, or they do not fit each other.</exception>
    /// <exception cref="ArgumentException">The output folder is the model's or the adapter's folder.</exception>
    public static void MergeToFolder(string modelFolder, string adapterFolder, string outputFolder, ModelLoadOptions? options = null)
    {
        var output = Path.GetFullPath(outputFolder);
        if (SamePath(output, modelFolder) || SamePath(output, adapterFolder))
        {
            throw new ArgumentException($"{outputFolder}: the output folder must differ from the model and adapter folders");
        }

        using var bundle = ModelBundle.Load(modelFolder, new ModelBundleOptions
        {
            Load = options ?? new ModelLoadOptions(),
            AdapterFolder = adapterFolder,
            Adapter = AdapterMode.Merge,
            RequireTokenizer = false,
        });
        bundle.Model.Save(output);
        TokenizerFiles.Copy(modelFolder, output);
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)), StringComparison.Ordinal);
}
