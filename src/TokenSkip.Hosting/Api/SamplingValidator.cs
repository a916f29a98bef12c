using TokenSkip.Core.Turns;

namespace TokenSkip.Hosting.Api;

/// <summary>Checks the fields chat and text completions share; every refusal names its field.</summary>
internal static class SamplingValidator
{
    /// <summary>The most stop strings a request may give (OpenAI allows 4; connectors add the template's end-of-turn texts).</summary>
    public const int MaxStopSequences = 16;

    /// <param name="request">The request.</param>
    /// <param name="server">The server's limits.</param>
    /// <param name="allowZeroMaxTokens">Accept a length of 0 (text completions with <c>echo</c>: score the prompt only).</param>
    public static SamplingPlan Validate(CompletionRequestBase request, TokenSkipServerOptions server, bool allowZeroMaxTokens = false)
    {
        if (request.N is { } n && n != 1)
        {
            throw ApiException.BadRequest($"only n = 1 is supported; got {n}", "n", "unsupported_value");
        }

        var (maxTokens, maxParam) = request.MaxCompletionTokens is { } completion
            ? (completion, "max_completion_tokens")
            : (request.MaxTokens, "max_tokens");
        if (maxTokens is < 1 && !(allowZeroMaxTokens && maxTokens == 0))
        {
            var zero = maxTokens == 0 && request is TextCompletionRequest ? " (0 is accepted with echo: true, to score the prompt only)" : string.Empty;
            throw ApiException.BadRequest($"{maxParam} must be at least 1; got {maxTokens}{zero}", maxParam);
        }

        if (maxTokens > server.MaxTokensLimit)
        {
            throw ApiException.BadRequest($"{maxParam} must be at most {server.MaxTokensLimit} on this server; got {maxTokens}", maxParam);
        }

        var temperature = request.Temperature ?? 0;
        if (!double.IsFinite(temperature) || temperature is < 0 or > 2)
        {
            throw ApiException.BadRequest($"temperature must be between 0 and 2; got {temperature}", "temperature");
        }

        var topP = request.TopP ?? 1;
        if (!double.IsFinite(topP) || topP is < 0 or > 1)
        {
            throw ApiException.BadRequest($"top_p must be between 0 and 1; got {topP}", "top_p");
        }

        if (request.TopK is < 0)
        {
            throw ApiException.BadRequest($"top_k must be at least 0; got {request.TopK}", "top_k");
        }

        var penalty = request.RepetitionPenalty ?? 1;
        if (!double.IsFinite(penalty) || penalty <= 0)
        {
            throw ApiException.BadRequest($"repetition_penalty must be a positive number; got {penalty}", "repetition_penalty");
        }

        var stops = request.Stop ?? [];
        if (stops.Count > MaxStopSequences || stops.Any(string.IsNullOrEmpty))
        {
            throw ApiException.BadRequest($"stop must hold at most {MaxStopSequences} non-empty strings", "stop");
        }

        var stopIds = request.StopTokenIds ?? [];
        if (stopIds.Any(id => id < 0))
        {
            throw ApiException.BadRequest("stop_token_ids must not be negative", "stop_token_ids");
        }

        // Seed folding, top_p = 0 and the template's stop tokens are the turn policy's business (TurnSampling).
        var sampling = new TurnSampling
        {
            MaxOutputTokens = maxTokens,
            Temperature = temperature,
            TopP = topP,
            TopK = request.TopK,
            RepetitionPenalty = penalty,
            Seed = request.Seed,
            StopSequences = stops,
            StopTokenIds = stopIds,
            IgnoreEndOfSequence = request.IgnoreEos ?? false,
        };
        var stream = request.Stream ?? false;
        return new SamplingPlan(sampling, maxParam, stream, stream && request.StreamOptions?.IncludeUsage == true);
    }
}
