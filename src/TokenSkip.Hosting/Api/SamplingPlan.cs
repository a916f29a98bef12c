using TokenSkip.Core.Turns;

namespace TokenSkip.Hosting.Api;

/// <summary>The validated shared fields of a completion request.</summary>
/// <param name="Sampling">Sampling, seed, stop and length settings as the client gave them (the turn policy decides the rest).</param>
/// <param name="MaxTokensParam">Which field asked for a length (<c>max_completion_tokens</c> or <c>max_tokens</c>).</param>
/// <param name="Stream">Whether to answer with server-sent events.</param>
/// <param name="IncludeUsage">Whether a streamed answer ends with a usage chunk.</param>
internal sealed record SamplingPlan(TurnSampling Sampling, string MaxTokensParam, bool Stream, bool IncludeUsage)
{
    /// <summary>The completion length the client asked for, if any.</summary>
    public int? MaxTokens => Sampling.MaxOutputTokens;
}
