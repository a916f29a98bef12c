using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Transformer;
using TorchSharp.Modules;

namespace TokenSkip.Models.Training;

/// <summary>
/// Trains the model's own weights (all of them, or those <c>include</c> selects): full fine-tuning, or pretraining
/// a small model from a random initialisation. Saves a Hugging Face model folder (config.json, model.safetensors).
/// </summary>
public sealed class FullTrainingTarget : ITrainingTarget
{
    private readonly CausalLanguageModel _model;

    /// <summary>Trains the parameters of <paramref name="model"/> whose names <paramref name="include"/> accepts (all when null).</summary>
    public FullTrainingTarget(CausalLanguageModel model, Func<string, bool>? include = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        Parameters = model.named_parameters()
            .Where(p => include?.Invoke(p.name) ?? true)
            .Select(p => new KeyValuePair<string, Parameter>(p.name, p.parameter))
            .ToList();
        if (Parameters.Count == 0)
        {
            throw new ArgumentException("the parameter filter selects no parameter of the model", nameof(include));
        }
    }

    /// <inheritdoc />
    public string Kind => "full";

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, Parameter>> Parameters { get; }

    /// <inheritdoc />
    public void BeginTraining() => SetTraining(true);

    /// <inheritdoc />
    public void EndTraining() => SetTraining(false);

    /// <inheritdoc />
    public void SeedDropout(long seed)
    {
        // The decoder has no dropout.
    }

    /// <inheritdoc />
    public void Save(string folder) => _model.Save(folder);

    /// <inheritdoc />
    public void Load(string folder)
    {
        var file = SafeTensorsFile.Open(Path.Combine(folder, CheckpointWeights.SingleFileName));
        foreach (var (name, parameter) in _model.named_parameters())
        {
            file.CopyTo(name, parameter);
        }
    }

    private void SetTraining(bool training)
    {
        foreach (var (_, parameter) in Parameters)
        {
            parameter.requires_grad = training;
        }
    }
}
