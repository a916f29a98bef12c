using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenSkip.LoadBench;

/// <summary>Sends one streaming chat completion and measures it the way a user sees it.</summary>
internal sealed class StreamingClient(HttpClient http, string model, int maxTokens, double? compressionRatio)
{
    public async Task<RequestSample> RunAsync(string question, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = question }),
            ["max_tokens"] = maxTokens,
            ["temperature"] = 0,
            ["stream"] = true,
            ["stream_options"] = new JsonObject { ["include_usage"] = true },
            // Every request generates exactly max_tokens, so each level does the same work.
            ["ignore_eos"] = true,
        };
        if (compressionRatio is { } gamma)
        {
            body["compression_ratio"] = gamma;
        }

        var clock = Stopwatch.StartNew();
        TimeSpan? first = null;
        var tokens = 0;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
            {
                Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return new RequestSample(clock.Elapsed, clock.Elapsed, 0, $"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }

            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            var done = false;
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    continue;
                }

                var data = line.AsSpan(6);
                if (data.SequenceEqual("[DONE]"))
                {
                    done = true;
                    break;
                }

                using var chunk = JsonDocument.Parse(line.AsMemory(6));
                var root = chunk.RootElement;
                if (root.TryGetProperty("error", out var error))
                {
                    return new RequestSample(first ?? clock.Elapsed, clock.Elapsed, tokens, error.GetRawText());
                }

                if (first is null && root.GetProperty("choices") is { ValueKind: JsonValueKind.Array } choices && choices.GetArrayLength() > 0
                    && choices[0].GetProperty("delta").TryGetProperty("content", out var content) && content.GetString() is { Length: > 0 })
                {
                    first = clock.Elapsed;
                }

                if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
                {
                    tokens = usage.GetProperty("completion_tokens").GetInt32();
                }
            }

            return new RequestSample(first ?? clock.Elapsed, clock.Elapsed, tokens, done ? null : "the stream ended without [DONE]");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException)
        {
            return new RequestSample(first ?? clock.Elapsed, clock.Elapsed, tokens, e.Message);
        }
    }
}
