namespace TokenSkip.Bench;

/// <summary>What one benchmark run measures and where it keeps its files.</summary>
internal sealed record BenchSettings
{
    public required int Threads { get; init; }

    /// <summary>Tokens timed per decode run (after the first token, which comes from the prompt).</summary>
    public required int DecodeTokens { get; init; }

    /// <summary>Length of the prompt a decode run starts from.</summary>
    public required int PromptTokens { get; init; }

    /// <summary>Length of the prompt whose prefill is timed.</summary>
    public required int PrefillTokens { get; init; }

    /// <summary>Timed repetitions inside each child process.</summary>
    public required int Repetitions { get; init; }

    /// <summary>
    /// How many times the whole sequence of child processes runs; rounds interleave the engines in time, so a burst
    /// of load from elsewhere hits both rather than one.
    /// </summary>
    public int Rounds { get; init; } = 1;

    public required int Seed { get; init; }

    /// <summary>Our engine's precisions ("float32", "bfloat16", "float16").</summary>
    public required IReadOnlyList<string> DTypes { get; init; }

    /// <summary>
    /// Quantized types ("q8_0", "q4_0", "q4_k_m"): for each, llama.cpp's quantizer writes a GGUF file from the F16 one, and
    /// both engines run that same file (TokenSkip memory-maps it).
    /// </summary>
    public IReadOnlyList<string> QuantizedTypes { get; init; } = [];

    /// <summary>Where the model files live (reused between runs).</summary>
    public required string WorkFolder { get; init; }

    /// <summary>Where results.json and results.md go.</summary>
    public required string OutputFolder { get; init; }

    /// <summary>
    /// A run is quiet when other processes use fewer cores than this: whatever the engines' threads leave free, plus
    /// 0.1 (on 2 cores with 2 threads: under 0.1 cores; with 1 thread: one core may be busy elsewhere).
    /// </summary>
    public double QuietCores => Math.Max(0, Environment.ProcessorCount - Threads) + 0.1;

    /// <summary>Longest wait, before each engine run, for other processes to leave the CPU (zero: do not wait).</summary>
    public TimeSpan QuietWait { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Longest a child process may take; one that takes longer is killed and its round left out.</summary>
    public TimeSpan ChildTimeout { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>Also time our engine with every product in libtorch (no SIMD matrix-vector kernel).</summary>
    public bool CompareWithoutKernel { get; init; }
}
