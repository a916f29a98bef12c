using System.Text.Json.Nodes;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Text;

namespace TokenSkip.Core.Remote;

/// <summary>The JSON bodies <see cref="OpenAICompatibleEngine"/> posts to <c>/completions</c>.</summary>
internal static class CompletionRequestBody
{
    /// <summary>
    /// A streamed generation: <c>max_tokens</c> only when the caller set a limit, the vLLM/llama.cpp extensions only when
    /// they differ from their neutral values; <paramref name="keepMarks"/> keeps the message-content marks (for
    /// <c>tokenskip serve</c>, so typed special-token text stays text there).
    /// </summary>
    public static JsonObject Generation(GenerationRequest request, string? model, bool keepMarks)
    {
        var options = request.Options;
        var body = new JsonObject();
        if (model is not null)
        {
            body["model"] = model;
        }

        body["prompt"] = request.PromptText is { } text
            ? JsonValue.Create(keepMarks ? text : MessageContent.Unmark(text))
            : new JsonArray(request.PromptIds!.Select(id => (JsonNode)id).ToArray());
        body["temperature"] = options.Temperature;
        body["top_p"] = options.TopP;
        body["stream"] = true;
        body["stream_options"] = new JsonObject { ["include_usage"] = true };
        if (request.MaxNewTokensRequested)
        {
            body["max_tokens"] = options.MaxNewTokens;
        }

        if (options.Seed is { } seed)
        {
            body["seed"] = seed;
        }

        if (options.StopStrings.Count > 0)
        {
            body["stop"] = new JsonArray(options.StopStrings.Select(s => (JsonNode)s).ToArray());
        }

        if (options.TopK > 0)
        {
            body["top_k"] = options.TopK;
        }

        if (options.RepetitionPenalty != 1.0)
        {
            body["repetition_penalty"] = options.RepetitionPenalty;
        }

        if (options.StopTokenIds.Count > 0)
        {
            body["stop_token_ids"] = new JsonArray(options.StopTokenIds.Select(id => (JsonNode)id).ToArray());
        }

        return body;
    }

    /// <summary>Prompt scoring: the prompt echoed with one log-probability per token, nothing generated.</summary>
    public static JsonObject PromptLogprobs(string prompt, string? model)
    {
        var body = new JsonObject();
        if (model is not null)
        {
            body["model"] = model;
        }

        body["prompt"] = prompt;
        body["echo"] = true;
        body["logprobs"] = 1;
        body["max_tokens"] = 0;
        return body;
    }
}
