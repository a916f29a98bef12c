using TokenSkip.Models.Checkpoints;
using TorchSharp;

namespace TokenSkip.Models.Encoders;

/// <summary>
/// Copies checkpoint tensors into a token classifier after checking that they agree exactly with its parameters
/// (names, shapes, floating-point dtypes). Buffers exporters write (<c>position_ids</c>, <c>token_type_ids</c>) and
/// a pooler, which token classification does not use, are ignored.
/// </summary>
internal static class EncoderCheckpointBinder
{
    private static bool IsIgnorable(string name) =>
        name.EndsWith(".position_ids", StringComparison.Ordinal)
        || name.EndsWith(".token_type_ids", StringComparison.Ordinal)
        || name.Contains(".pooler.", StringComparison.Ordinal);

    public static void Bind(TokenClassificationModel model, CheckpointWeights weights)
    {
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var unexpected = weights.Names.Where(n => !parameters.ContainsKey(n) && !IsIgnorable(n)).OrderBy(n => n, StringComparer.Ordinal).ToList();
        if (unexpected.Count > 0)
        {
            throw new ModelFormatException(weights.Get(unexpected[0]).FilePath,
                $"unexpected tensor '{unexpected[0]}'{(unexpected.Count > 1 ? $" (and {unexpected.Count - 1} more)" : string.Empty)} " +
                $"for a {model.Config.Architecture} token classifier with {model.Config.LayerCount} layers");
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
