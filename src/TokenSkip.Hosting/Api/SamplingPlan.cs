using TokenSkip.Core.Generation;

namespace TokenSkip.Hosting.Api;

/// <summary>The validated shared fields of a completion request.</summary>
/// <param name="Options">Sampling and stop settings; <c>MaxNewTokens</c> is set once the prompt's length is known.</param>
/// <param name="MaxTokens">The completion length the client asked for, if any.</param>
/// <param name="MaxTokensParam">Which field asked for it (<c>max_completion_tokens</c> or <c>max_tokens</c>).</param>
/// <param name="Stream">Whether to answer with server-sent events.</param>
/// <param name="IncludeUsage">Whether a streamed answer ends with a usage chunk.</param>
internal sealed record SamplingPlan(GenerationOptions Options, int? MaxTokens, string MaxTokensParam, bool Stream, bool IncludeUsage);
