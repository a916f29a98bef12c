using TokenSkip.Models.Lora;
using TorchSharp.Modules;

namespace TokenSkip.Models.Training;

/// <summary>Trains a <see cref="LoraAdapter"/>'s factors (and its modules to save); saves it as a PEFT adapter folder.</summary>
public sealed class LoraTrainingTarget : ITrainingTarget
{
    private readonly LoraAdapter _adapter;

    /// <summary>Trains <paramref name="adapter"/>, which must not be merged.</summary>
    public LoraTrainingTarget(LoraAdapter adapter)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        if (adapter.IsMerged)
        {
            throw new ArgumentException("a merged adapter cannot be trained; unmerge it first", nameof(adapter));
        }

        _adapter = adapter;
        Parameters = adapter.NamedTensors();
    }

    /// <inheritdoc />
    public string Kind => "lora";

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, Parameter>> Parameters { get; }

    /// <inheritdoc />
    public void BeginTraining() => SetTraining(true);

    /// <inheritdoc />
    public void EndTraining() => SetTraining(false);

    /// <inheritdoc />
    public void SeedDropout(long seed) => _adapter.SeedDropout(seed);

    /// <inheritdoc />
    public void Save(string folder) => _adapter.Save(folder);

    /// <inheritdoc />
    public void Load(string folder) => _adapter.LoadWeights(folder);

    private void SetTraining(bool training)
    {
        _adapter.IsTraining = training;
        foreach (var (_, parameter) in Parameters)
        {
            parameter.requires_grad = training;
        }
    }
}
