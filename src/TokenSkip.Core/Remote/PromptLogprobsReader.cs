using System.Text.Json;
using System.Text.Json.Nodes;
using TokenSkip.Core.Engine;

namespace TokenSkip.Core.Remote;

/// <summary>Reads <c>choices[0].logprobs</c> of a non-streamed completions answer into <see cref="PromptLogprobs"/>.</summary>
internal static class PromptLogprobsReader
{
    /// <exception cref="InvalidDataException">The answer lacks a field or its lists differ in length; the message names the field and <paramref name="source"/>.</exception>
    public static PromptLogprobs Read(string json, Uri source)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source} answered with invalid JSON: {e.Message}", e);
        }

        var logprobs = root?["choices"]?[0]?["logprobs"] as JsonObject
            ?? throw new InvalidDataException($"{source} answered without choices[0].logprobs (does the server support echo and logprobs?)");
        try
        {
            var tokens = List(logprobs, "tokens", source).Select(t => t?.GetValue<string>() ?? string.Empty).ToArray();
            var values = List(logprobs, "token_logprobs", source).Select(v => v is null ? (double?)null : v.GetValue<double>()).ToArray();
            var offsets = List(logprobs, "text_offset", source).Select(o => o?.GetValue<int>()
                ?? throw new InvalidDataException($"{source}: choices[0].logprobs.text_offset has a null")).ToArray();
            if (values.Length != tokens.Length || offsets.Length != tokens.Length)
            {
                throw new InvalidDataException(
                    $"{source}: choices[0].logprobs has {tokens.Length} tokens, {values.Length} token_logprobs and {offsets.Length} text_offset");
            }

            return new PromptLogprobs(tokens, values, offsets);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{source}: choices[0].logprobs has a value of the wrong type: {e.Message}", e);
        }
    }

    private static JsonArray List(JsonObject logprobs, string name, Uri source) =>
        logprobs[name] as JsonArray ?? throw new InvalidDataException($"{source}: choices[0].logprobs.{name} is missing");
}
