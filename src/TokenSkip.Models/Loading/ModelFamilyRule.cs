using TokenSkip.Core.Prompts;
using TokenSkip.Models.Configuration;

namespace TokenSkip.Models.Loading;

/// <summary>
/// The one rule that gives a checkpoint its prompt family: the architecture in <c>config.json</c> (Qwen2ForCausalLM →
/// <see cref="ModelFamily.Qwen2"/>, LlamaForCausalLM → <see cref="ModelFamily.Llama3"/>). Architectures without a
/// TokenSkip prompt format never get this far: <see cref="TransformerConfig.Load"/> refuses them naming the file.
/// </summary>
public static class ModelFamilyRule
{
    /// <summary>The family of a model with <paramref name="config"/>.</summary>
    public static ModelFamily For(TransformerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Architecture switch
        {
            ModelArchitecture.Qwen2 => ModelFamily.Qwen2,
            ModelArchitecture.Llama => ModelFamily.Llama3,
            _ => throw new ArgumentOutOfRangeException(nameof(config), config.Architecture, "architecture without a TokenSkip prompt family"),
        };
    }
}
