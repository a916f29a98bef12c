using TorchSharp;
using TorchSharp.Modules;

namespace TokenSkip.Models.Checkpoints;

/// <summary>
/// Copies checkpoint tensors into a module's parameters after checking that the two agree exactly: every parameter
/// has a tensor, every tensor has a parameter (or is one the caller knows carries no learned state), and each pair
/// matches in shape; weights must be F32, F16 or BF16.
/// </summary>
internal static class CheckpointBinder
{
    /// <param name="module">The model whose parameters receive the weights.</param>
    /// <param name="weights">The checkpoint.</param>
    /// <param name="isIgnorable">Tensors exporters write that the model does not need (buffers, unused heads).</param>
    /// <param name="description">What the model is, for the unexpected-tensor message ("a Qwen2 model with 24 layers").</param>
    /// <param name="bound">
    /// Called with each parameter's name right after its weights are copied (e.g. to quantize and free it at once, so a
    /// quantized load never holds the whole float model).
    /// </param>
    public static void Bind(torch.nn.Module module, CheckpointWeights weights, Func<string, bool> isIgnorable, string description,
        Action<string>? bound = null)
    {
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var unexpected = weights.Names.Where(n => !parameters.ContainsKey(n) && !isIgnorable(n)).OrderBy(n => n, StringComparer.Ordinal).ToList();
        if (unexpected.Count > 0)
        {
            throw new ModelFormatException(weights.Get(unexpected[0]).FilePath,
                $"unexpected tensor '{unexpected[0]}'{(unexpected.Count > 1 ? $" (and {unexpected.Count - 1} more)" : string.Empty)} for {description}");
        }

        foreach (var (name, parameter) in parameters)
        {
            Check(weights, name, parameter);
        }

        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in parameters)
        {
            weights.CopyTo(name, parameter);
            bound?.Invoke(name);
        }
    }

    private static void Check(CheckpointWeights weights, string name, Parameter parameter)
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
}
