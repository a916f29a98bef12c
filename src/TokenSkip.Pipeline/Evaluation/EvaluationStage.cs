using TokenSkip.Core;

namespace TokenSkip.Pipeline.Evaluation;

/// <summary>One pass over the dataset: a method at a ratio.</summary>
/// <param name="Method">TokenSkip or a baseline.</param>
/// <param name="Gamma">The compression ratio (1.0 for the original model).</param>
public sealed record EvaluationStage(EvaluationMethod Method, CompressionRatio Gamma)
{
    /// <summary>TokenSkip at γ = 1.0, the reference of actual ratios.</summary>
    public static EvaluationStage TokenSkipUncompressed { get; } = new(EvaluationMethod.TokenSkip, CompressionRatio.Uncompressed);

    /// <summary>The original-model baseline.</summary>
    public static EvaluationStage OriginalModel { get; } = new(EvaluationMethod.Original, CompressionRatio.Uncompressed);

    /// <summary>The ratio written into the prompt: the stage's γ for TokenSkip, 1.0 (no ratio) for both baselines.</summary>
    public CompressionRatio PromptRatio => Method == EvaluationMethod.TokenSkip ? Gamma : CompressionRatio.Uncompressed;

    /// <summary>A short label such as "tokenskip γ=0.6".</summary>
    public override string ToString() => MethodName(Method) + " γ=" + Gamma.ToString();

    /// <summary>The generation cap of a truncation sample: γ × the original's generated tokens, rounded, at least 1.</summary>
    public int TruncationCap(int originalTokens) =>
        Math.Max(1, (int)Math.Round(Gamma.Value * originalTokens, MidpointRounding.AwayFromZero));

    /// <summary>The method's name in files and reports: "tokenskip", "original", "truncation" or "random-dropping".</summary>
    public static string MethodName(EvaluationMethod method) => method switch
    {
        EvaluationMethod.TokenSkip => "tokenskip",
        EvaluationMethod.Original => "original",
        EvaluationMethod.Truncation => "truncation",
        EvaluationMethod.RandomDropping => "random-dropping",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "unknown evaluation method"),
    };
}
