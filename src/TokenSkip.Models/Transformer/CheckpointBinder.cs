using TokenSkip.Models.Checkpoints;
using TorchSharp;

namespace TokenSkip.Models.Transformer;

/// <summary>
/// Copies checkpoint tensors into a model's parameters after checking that the two agree exactly: every
/// parameter has a tensor, every tensor has a parameter, and each pair matches in shape; weights must be F32, F16 or BF16.
/// </summary>
internal static class CheckpointBinder
{
    // Buffers some exporters write that carry no learned state.
    private static bool IsIgnorable(string name) => name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal);

    public static void Bind(CausalLanguageModel model, CheckpointWeights weights)
    {
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var unexpected = weights.Names
            .Where(n => !parameters.ContainsKey(n) && !IsIgnorable(n))
            .Where(n => !(n == "lm_head.weight" && model.Config.TieWordEmbeddings))
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();
        if (unexpected.Count > 0)
        {
            throw new ModelFormatException(weights.Get(unexpected[0]).FilePath,
                $"unexpected tensor '{unexpected[0]}'{(unexpected.Count > 1 ? $" (and {unexpected.Count - 1} more)" : string.Empty)} " +
                $"for a {model.Config.Architecture} model with {model.Config.LayerCount} layers");
        }

        foreach (var (name, parameter) in parameters)
        {
            if (!weights.Contains(name))
            {
                throw new ModelFormatException(weights.Folder, $"missing tensor '{name}' (expected shape [{string.Join(", ", parameter.shape)}])");
            }

            var entry = weights.Get(name);
            if (!SafeTensorDType.IsWeightType(entry.DType))
            {
                throw new ModelFormatException(entry.FilePath, $"tensor '{name}' has dtype {entry.DType}; weights must be F32, F16 or BF16");
            }

            if (!entry.Shape.SequenceEqual(parameter.shape))
            {
                throw new ModelFormatException(entry.FilePath,
                    $"tensor '{name}' has shape {entry.ShapeText}, but the config implies [{string.Join(", ", parameter.shape)}]");
            }
        }

        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in parameters)
        {
            weights.CopyTo(name, parameter);
        }
    }
}
