using TokenSkip.Hosting.Errors;

namespace TokenSkip.Hosting.Api;

/// <summary>Decides a request's completion length from what it asked for, the context left, the server default and a budget cap.</summary>
internal static class GenerationLimits
{
    /// <exception cref="ContextLengthExceededException">The prompt, or the prompt plus the requested completion, does not fit.</exception>
    public static int MaxNewTokens(SamplingPlan sampling, int promptTokens, int contextTokens, int defaultMaxTokens, int? cap)
    {
        if (promptTokens >= contextTokens)
        {
            throw new ContextLengthExceededException(promptTokens, 0, contextTokens);
        }

        if (sampling.MaxTokens is { } asked && promptTokens + asked > contextTokens)
        {
            throw new ContextLengthExceededException(promptTokens, asked, contextTokens);
        }

        var max = sampling.MaxTokens ?? Math.Min(defaultMaxTokens, contextTokens - promptTokens);
        return cap is { } limit ? Math.Min(max, Math.Max(1, limit)) : max;
    }
}
