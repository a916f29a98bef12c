using System.Text.Json.Nodes;

namespace TokenSkip.Hosting.Tests;

/// <summary>Reads an SSE response the way OpenAI clients do: <c>data:</c> lines, JSON events, then <c>[DONE]</c>.</summary>
internal sealed record ServerSentEvents(IReadOnlyList<JsonObject> Events, bool Done)
{
    public static async Task<ServerSentEvents> ReadAsync(HttpResponseMessage response)
    {
        using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream);
        var events = new List<JsonObject>();
        var done = false;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            var data = line["data: ".Length..];
            if (data == "[DONE]")
            {
                done = true;
                continue;
            }

            events.Add(JsonNode.Parse(data)!.AsObject());
        }

        return new ServerSentEvents(events, done);
    }

    /// <summary>The concatenated text of chat deltas or text-completion chunks.</summary>
    public string Text => string.Concat(Events.SelectMany(e => e["choices"]!.AsArray())
        .Select(c => (string?)c!["delta"]?["content"] ?? (string?)c!["text"] ?? string.Empty));
}
