using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TokenSkip.Core.Engine;

namespace TokenSkip.Hosting.Tests;

/// <summary>
/// A minimal <see cref="IPromptLogprobSource"/> over HTTP for the tests (the production client, with balancing and
/// retries, is the pipeline's remote engine): <c>echo: true, logprobs: 0, max_tokens: 0</c> on <c>/v1/completions</c>.
/// </summary>
internal sealed class HttpPromptLogprobSource(HttpClient client) : IPromptLogprobSource
{
    public int Requests;

    public async Task<PromptLogprobs> GetPromptLogprobsAsync(string prompt, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Requests);
        var body = new JsonObject { ["prompt"] = prompt, ["echo"] = true, ["logprobs"] = 0, ["max_tokens"] = 0 };
        using var response = await client.PostAsJsonAsync("v1/completions", body, cancellationToken);
        response.EnsureSuccessStatusCode();
        var logprobs = (await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken))!["choices"]![0]!["logprobs"]!;
        return new PromptLogprobs(
            [.. logprobs["tokens"]!.AsArray().Select(t => (string)t!)],
            [.. logprobs["token_logprobs"]!.AsArray().Select(t => (double?)t)],
            [.. logprobs["text_offset"]!.AsArray().Select(t => (int)t!)]);
    }
}
