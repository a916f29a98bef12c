namespace TokenSkip.Models.Loading;

/// <summary>How <see cref="ModelBundle.Load"/> applies a PEFT LoRA adapter.</summary>
public enum AdapterMode
{
    /// <summary>Folds the adapter into the weights and drops it (PEFT's <c>merge_and_unload</c>): decoding costs what the base model's does.</summary>
    Merge,

    /// <summary>Keeps the adapter attached and unmerged (an extra low-rank product per projection); the bundle owns it.</summary>
    Attach,
}
