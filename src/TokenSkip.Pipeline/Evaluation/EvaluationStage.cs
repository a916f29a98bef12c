using TokenSkip.Core;

namespace TokenSkip.Pipeline.Evaluation;

/// <summary>One pass over the dataset: a method at a ratio.</summary>
/// <param name="Method">TokenSkip or a baseline.</param>
/// <param name="Gamma">The compression ratio (1.0 for the original model).</param>
public sealed record EvaluationStage(EvaluationMethod Method, CompressionRatio Gamma)
{
    /// <summary>A short label such as "tokenskip γ=0.6".</summary>
    public override string ToString() =>
        Method switch
        {
            EvaluationMethod.TokenSkip => "tokenskip",
            EvaluationMethod.Original => "original",
            _ => "truncation",
        } + " γ=" + Gamma.ToString();

    /// <summary>The generation cap of a truncation sample: γ × the original's generated tokens, rounded, at least 1.</summary>
    public int TruncationCap(int originalTokens) =>
        Math.Max(1, (int)Math.Round(Gamma.Value * originalTokens, MidpointRounding.AwayFromZero));
}
