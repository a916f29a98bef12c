namespace TokenSkip.Models.Compression;

/// <summary>What γ is a fraction of when a chain of thought is compressed.</summary>
public enum RatioMeasure
{
    /// <summary>
    /// LLMLingua-2's rule as TokenSkip uses it: the threshold is the <c>int(100·(1-γ)+1)</c>-th percentile of the
    /// cl100k-weighted word scores. The kept share of the target model's tokens then differs from γ where forced words
    /// (keep-digits, force tokens) sit below the threshold or the two tokenizers split words differently (TokenSkip's
    /// published data lands 0.03 to 0.07 off).
    /// </summary>
    Reference,

    /// <summary>
    /// The same rule, with its percentile searched per text so that the compressed CoT's target-model tokens are as close
    /// as the word boundaries allow to γ × the original's, which is what a model trained on the data learns to produce.
    /// </summary>
    TargetTokens,
}
