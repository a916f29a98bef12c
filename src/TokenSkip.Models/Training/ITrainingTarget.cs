using TorchSharp.Modules;

namespace TokenSkip.Models.Training;

/// <summary>
/// What a run trains and how it is saved: a LoRA adapter (<see cref="LoraTrainingTarget"/>) or the model's own
/// weights (<see cref="FullTrainingTarget"/>, for full fine-tuning and pretraining).
/// </summary>
public interface ITrainingTarget
{
    /// <summary>A short name recorded in checkpoints ("lora", "full"); a run resumes only into the same kind.</summary>
    string Kind { get; }

    /// <summary>The trained parameters with stable names (the optimizer's state is keyed by them).</summary>
    IReadOnlyList<KeyValuePair<string, Parameter>> Parameters { get; }

    /// <summary>Turns gradients (and any training-only behaviour such as dropout) on.</summary>
    void BeginTraining();

    /// <summary>Turns them off again.</summary>
    void EndTraining();

    /// <summary>Reseeds any randomness used in the forward pass (called before every micro-batch).</summary>
    void SeedDropout(long seed);

    /// <summary>Writes the trained weights as the run's artifact (also used inside checkpoints).</summary>
    void Save(string folder);

    /// <summary>Loads weights written by <see cref="Save"/> (resuming from a checkpoint).</summary>
    void Load(string folder);
}
