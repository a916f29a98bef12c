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
    public int TrainProblems { get; init; } = 20000;

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
    public double BaseEpochs { get; init; } = 3;

    /// <summary>Base-model peak learning rate (from-scratch training of a small model wants a high one).</summary>
    public double BaseLearningRate { get; init; } = 2e-3;

    /// <summary>
    /// Train in bfloat16 with float32 master weights (base model and LoRA). On CPUs with AVX-512 BF16 this makes the
    /// matrix products several times faster; the shipped weights are the bfloat16 values the model was trained with.
    /// </summary>
    public bool TrainInBFloat16 { get; init; } = true;

    /// <summary>Base-model batch size (sequences per optimizer step).</summary>
    public int BaseBatchSize { get; init; } = 32;

    /// <summary>
    /// Training problems the base model answers for TokenSkip's data (its own CoTs). Each CoT gets one γ, so the LoRA
    /// sees about a sixth of these per γ; in trials 12,000 problems for one epoch beat 4,000 for three (same compute)
    /// by 5 points at γ = 0.5 and 0.6.
    /// </summary>
    public int TrajectoryProblems { get; init; } = 12000;

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

    /// <summary>
    /// LoRA rank (TokenSkip's reference: 8, for 7-14B models whose projections are thousands wide). On this 256-wide
    /// model rank 8 left compressed-CoT accuracy 15-20 points below rank 32-64 in trials.
    /// </summary>
    public int LoraRank { get; init; } = 64;

    /// <summary>LoRA alpha (reference: 16, i.e. twice the rank; kept at twice the rank).</summary>
    public double LoraAlpha { get; init; } = 128;

    /// <summary>LoRA learning rate. The reference's 5e-5 suits billion-parameter models; a few-million-parameter model needs a larger step.</summary>
    public double LoraLearningRate { get; init; } = 2e-3;

    /// <summary>LoRA epochs (reference: 3; one pass over <see cref="TrajectoryProblems"/> CoTs costs the same here as three over a third of them, and generalises better).</summary>
    public int LoraEpochs { get; init; } = 1;

    /// <summary>LoRA effective batch size (reference: 8).</summary>
    public int LoraBatchSize { get; init; } = 8;

    /// <summary>Also train and evaluate the random-word-dropping ablation (the paper's importance-metric comparison).</summary>
    public bool Ablation { get; init; } = true;

    /// <summary>
    /// Run the ablation's compression and LoRA training beside the main branch, each on its own thread. Meant for
    /// libtorch at one thread per op on a CPU with at least two cores (as <c>scripts/build-default-model.sh</c> runs it):
    /// the two branches then take two cores instead of queueing for one.
    /// </summary>
    public bool ParallelBranches { get; init; }

    /// <summary>Test samples timed alone for latency (the rest run batched).</summary>
    public int LatencySamples { get; init; } = 100;

    /// <summary>Batch size of batched generation (trajectories, evaluation).</summary>
    public int GenerationBatchSize { get; init; } = 32;

    /// <summary>Seed of training runs and the dataset mix.</summary>
    public int Seed { get; init; } = 42;
}
