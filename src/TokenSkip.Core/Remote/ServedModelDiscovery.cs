using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using TokenSkip.Core.Calibration;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Prompts;

namespace TokenSkip.Core.Remote;

/// <summary>
/// Reads <c>GET {endpoint}/models</c> of the first replica that answers: the served name (the only model listed, when
/// none is given), <c>max_model_len</c> (vLLM and <c>tokenskip serve</c>), and from <c>tokenskip serve</c> the family
/// and the card.
/// </summary>
internal static class ServedModelDiscovery
{
    private const int DefaultContextLength = 32768;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Asks the replicas in turn; <c>Answered</c> is false when none could be reached (ask again later).</summary>
    /// <exception cref="InvalidOperationException">The family is known neither from the options nor from the server, or no model is named and several are served.</exception>
    public static async Task<(ServedModel Model, bool Answered)> DiscoverAsync(HttpClient http, OpenAICompatibleEngineOptions options,
        CancellationToken cancellationToken)
    {
        foreach (var endpoint in options.Endpoints)
        {
            var uri = new Uri(endpoint, "models");
            JsonNode? list;
            try
            {
                using var message = new HttpRequestMessage(HttpMethod.Get, uri);
                Authorize(message, options.ApiKey);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(Timeout);
                using var response = await http.SendAsync(message, timeout.Token).ConfigureAwait(false);
                if ((int)response.StatusCode >= 500 || response.StatusCode == System.Net.HttpStatusCode.TooManyRequests)
                {
                    continue; // still loading or overloaded: ask the next replica, and again later
                }

                list = response.IsSuccessStatusCode
                    ? JsonNode.Parse(await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false))
                    : null;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                continue; // not reachable (yet): the next replica may answer
            }
            catch (JsonException)
            {
                list = null; // an answer we cannot read: keep the given values
            }

            return (Read(list?["data"] as JsonArray, options, uri), true);
        }

        return (Read(null, options, options.Endpoints[0]), false);
    }

    /// <summary>Adds the bearer token when there is one.</summary>
    public static void Authorize(HttpRequestMessage message, string? apiKey)
    {
        if (!string.IsNullOrEmpty(apiKey))
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
    }

    private static ServedModel Read(JsonArray? models, OpenAICompatibleEngineOptions options, Uri source)
    {
        var entries = models?.OfType<JsonObject>().ToArray() ?? [];
        var name = options.ServedModel;
        if (name is null && entries.Length > 1)
        {
            throw new InvalidOperationException(
                $"{source} serves {entries.Length} models ({string.Join(", ", entries.Select(e => Id(e)))}): name the one to use (served model)");
        }

        var entry = name is null ? entries.FirstOrDefault() : entries.FirstOrDefault(e => Id(e) == name);
        name ??= entry is null ? null : Id(entry);
        var family = options.Family
            ?? (entry?["family"] is JsonValue f && f.TryGetValue<string>(out var text) && Enum.TryParse<ModelFamily>(text, ignoreCase: true, out var parsed) ? parsed : (ModelFamily?)null)
            ?? throw new InvalidOperationException(
                $"the prompt family of the model served at {source} is unknown: the server does not say (only tokenskip serve does) or could not be reached; give it (--family qwen2|llama3, or the model folder)");
        var served = entry?["max_model_len"] is JsonValue length && length.TryGetValue<int>(out var tokens) && tokens > 1 ? tokens : (int?)null;
        ModelCard? card;
        try
        {
            card = entry?["tokenskip"] is JsonObject json ? json.Deserialize<ModelCard>() : null;
        }
        catch (JsonException)
        {
            card = null;
        }

        var info = new EngineInfo(name ?? "remote", family, options.ContextLength ?? served ?? DefaultContextLength) { Card = card };
        return new ServedModel(info, name, entry?["owned_by"] is JsonValue owner && owner.TryGetValue<string>(out var by) && by == "tokenskip");
    }

    private static string? Id(JsonObject entry) => entry["id"] is JsonValue id && id.TryGetValue<string>(out var text) ? text : null;
}
