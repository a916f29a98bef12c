namespace TokenSkip.Core.Prompts;

/// <summary>Derives a <see cref="ModelFamily"/> from the names a Hugging Face checkpoint uses.</summary>
public static class ModelFamilies
{
    /// <summary>
    /// Maps an HF <c>config.json</c> <c>model_type</c> ("qwen2", "llama") or architecture name
    /// ("Qwen2ForCausalLM", "LlamaForCausalLM") to its family, ignoring case. Every "llama" checkpoint
    /// is taken to be Llama 3 style, the only Llama chat format TokenSkip uses.
    /// </summary>
    public static bool TryFromHuggingFaceName(string? name, out ModelFamily family)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "qwen2":
            case "qwen2forcausallm":
                family = ModelFamily.Qwen2;
                return true;
            case "llama":
            case "llamaforcausallm":
                family = ModelFamily.Llama3;
                return true;
            default:
                family = default;
                return false;
        }
    }

    /// <summary>Like <see cref="TryFromHuggingFaceName"/>, but throws for an unknown name.</summary>
    /// <exception cref="NotSupportedException">The name is not a Qwen2 or Llama model type/architecture; the message names it.</exception>
    public static ModelFamily FromHuggingFaceName(string? name) =>
        TryFromHuggingFaceName(name, out var family)
            ? family
            : throw new NotSupportedException(
                $"model_type/architecture '{name}' is not supported; expected \"qwen2\" (Qwen2ForCausalLM) or \"llama\" (LlamaForCausalLM).");
}
