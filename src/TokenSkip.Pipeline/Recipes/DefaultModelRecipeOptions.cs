namespace TokenSkip.Pipeline.Recipes;

/// <summary>
/// Every setting of <see cref="DefaultModelRecipe"/>, with the values that produced the shipped model. All randomness
/// is seeded, so the same options reproduce the same artifacts on the same machine.
/// </summary>
public sealed record DefaultModelRecipeOptions
{
    /// <summary>Folder for intermediate artifacts (data, base model, trajectories, adapters, evaluations); steps found done are skipped.</summary>
    public required string WorkFolder { get; init; }

    /// <summary>Where the final model goes (the repository's <c>models/tokenskip-default</c>).</summary>
    public required string OutputFolder { get; init; }

    /// <summary>Synthetic training problems (base-model pretraining and TokenSkip data come from these).</summary>
    public int TrainProblems { get; init; } = 12000;

    /// <summary>Held-out test problems (a different seed; no question appears in training).</summary>
    public int TestProblems { get; init; } = 500;

    /// <summary>Seed of the training problems.</summary>
    public int TrainSeed { get; init; } = 1;

    /// <summary>Seed of the test problems.</summary>
    public int TestSeed { get; init; } = 2;

    /// <summary>BPE vocabulary size (before the three special tokens).</summary>
    public int VocabularySize { get; init; } = 640;

    /// <summary>Hidden width of the Qwen2 model.</summary>
    public int HiddenSize { get; init; } = 256;

    /// <summary>Decoder layers.</summary>
    public int Layers { get; init; } = 4;

    /// <summary>Attention heads (head dim = hidden / heads).</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Key/value heads (grouped-query attention).</summary>
    public int KeyValueHeads { get; init; } = 2;

    /// <summary>MLP width.</summary>
    public int IntermediateSize { get; init; } = 704;

    /// <summary>Context length.</summary>
    public int MaxPositions { get; init; } = 512;

    /// <summary>Base-model training epochs over the training problems.</summary>
    public double BaseEpochs { get; init; } = 2;

    /// <summary>Base-model peak learning rate (from-scratch training of a small model wants a high one).</summary>
    public double BaseLearningRate { get; init; } = 2e-3;

    /// <summary>
    /// Train in bfloat16 with float32 master weights (base model and LoRA). On CPUs with AVX-512 BF16 this makes the
    /// matrix products several times faster; the shipped weights are the bfloat16 values the model was trained with.
    /// </summary>
    public bool TrainInBFloat16 { get; init; } = true;

    /// <summary>Base-model batch size (sequences per optimizer step).</summary>
    public int BaseBatchSize { get; init; } = 32;

    /// <summary>Training problems the base model answers for TokenSkip's data (its own CoTs).</summary>
    public int TrajectoryProblems { get; init; } = 4000;

    /// <summary>
    /// Keep every word that contains a digit when compressing (LLMLingua-2's <c>force_reserve_digit</c>, which TokenSkip
    /// uses for its Llama 3 data). Self-information ranks an equation's result as redundant (it follows from the
    /// equation), and a small model cannot carry the arithmetic without it; applied to the random ablation too.
    /// </summary>
    public bool KeepDigits { get; init; } = true;

    /// <summary>
    /// Words always kept when compressing (LLMLingua-2's <c>force_tokens</c>; TokenSkip forces "Step" and ":" for its
    /// Llama 3 data): the arithmetic operators, so every kept equation stays an equation. Applied to the ablation too.
    /// </summary>
    public IReadOnlyList<string> ForceTokens { get; init; } = ["=", "+", "-", "×", "÷"];

    /// <summary>LoRA rank (TokenSkip's reference: 8).</summary>
    public int LoraRank { get; init; } = 8;

    /// <summary>LoRA alpha (reference: 16).</summary>
    public double LoraAlpha { get; init; } = 16;

    /// <summary>LoRA learning rate. The reference's 5e-5 suits billion-parameter models; a few-million-parameter model needs a larger step.</summary>
    public double LoraLearningRate { get; init; } = 2e-3;

    /// <summary>LoRA epochs (reference: 3).</summary>
    public int LoraEpochs { get; init; } = 3;

    /// <summary>LoRA effective batch size (reference: 8).</summary>
    public int LoraBatchSize { get; init; } = 8;

    /// <summary>Also train and evaluate the random-word-dropping ablation (the paper's importance-metric comparison).</summary>
    public bool Ablation { get; init; } = true;

    /// <summary>Test samples timed alone for latency (the rest run batched).</summary>
    public int LatencySamples { get; init; } = 100;

    /// <summary>Batch size of batched generation (trajectories, evaluation).</summary>
    public int GenerationBatchSize { get; init; } = 32;

    /// <summary>Seed of training runs and the dataset mix.</summary>
    public int Seed { get; init; } = 42;
}
