using System.Text.Json;

namespace TokenSkip.Hosting.Api;

/// <summary>
/// Turns a request body into its DTO, telling malformed JSON (400 <c>invalid_json</c>) apart from a known field of the
/// wrong type (400 <c>invalid_type</c>, <c>param</c> naming the field).
/// </summary>
internal static class RequestParser
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    public static T Parse<T>(ReadOnlyMemory<byte> body) where T : class
    {
        try
        {
            using var document = JsonDocument.Parse(body, DocumentOptions);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw ApiException.BadRequest("the request body must be a JSON object", null, "invalid_json");
            }
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"the request body is not valid JSON: {e.Message}", null, "invalid_json");
        }

        try
        {
            return JsonSerializer.Deserialize<T>(body.Span, ApiJson.Read)
                ?? throw ApiException.BadRequest("the request body must be a JSON object", null, "invalid_json");
        }
        catch (JsonException e)
        {
            var param = ParamOf(e.Path);
            var message = e is RequestFieldException
                ? $"'{param}': {e.Message}"
                : $"'{param}' has the wrong type: expected {ExpectedType(param)}";
            throw ApiException.BadRequest(message, param, "invalid_type");
        }
    }

    // "$.messages[0].role" -> "messages[0].role"
    private static string ParamOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "(body)" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    private static string ExpectedType(string param)
    {
        if (param.EndsWith(']'))
        {
            return param.StartsWith("messages", StringComparison.Ordinal) ? "a message object" : "an element of the right type";
        }

        var name = param[(param.LastIndexOf('.') + 1)..];
        return name switch
        {
            "model" or "role" or "content" => "a string",
            "messages" => "an array of message objects",
            "max_tokens" or "max_completion_tokens" or "n" or "seed" or "top_k" or "token_budget" or "logprobs" => "an integer",
            "temperature" or "top_p" or "repetition_penalty" or "compression_ratio" => "a number",
            "stream" or "include_usage" or "ignore_eos" or "echo" => "true or false",
            "stream_options" => "an object",
            "stop_token_ids" => "an array of integers",
            _ => "another JSON type",
        };
    }
}
