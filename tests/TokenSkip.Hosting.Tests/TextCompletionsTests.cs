using System.Net;
using System.Text.Json.Nodes;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;
using Xunit;

namespace TokenSkip.Hosting.Tests;

/// <summary><c>/v1/completions</c>: prompts rendered by the caller (text or token ids), whole or streamed.</summary>
[Collection(ServerCollection.Name)]
public sealed class TextCompletionsTests(ServedModelFixture model)
{
    private string Prompt => ChatTemplates.For(ModelFamily.Qwen2).Render([new PromptMessage(PromptMessage.UserRole, Requests.Question)], true);

    [Fact]
    public async Task ATextPromptIsGeneratedFromAsIsWithTheModelsStopIds()
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        var expected = model.Generate(model.Tokenizer.Encode(Prompt), new GenerationOptions { MaxNewTokens = 14 });

        using var response = await server.PostAsync("v1/completions", new JsonObject { ["prompt"] = Prompt, ["max_tokens"] = 14 });
        var completion = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text_completion", (string?)completion["object"]);
        Assert.Equal(expected.Text, (string?)completion["choices"]![0]!["text"]);
        Assert.Equal(Requests.FinishReason(expected), (string?)completion["choices"]![0]!["finish_reason"]);
        Assert.Equal(expected.Usage.PromptTokens, (int)completion["usage"]!["prompt_tokens"]!);
        Assert.Equal(expected.Usage.CompletionTokens, (int)completion["usage"]!["completion_tokens"]!);
    }

    [Fact]
    public async Task TokenIdsStreamWithExtensionsAndAUsageChunk()
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        var ids = model.Tokenizer.Encode(Prompt);
        var options = new GenerationOptions { MaxNewTokens = 10, Temperature = 0.8, Seed = 42, TopK = 30, RepetitionPenalty = 1.2, IgnoreEndOfSequence = true };
        var expected = model.Generate(ids, options);
        var body = new JsonObject
        {
            ["prompt"] = new JsonArray(ids.Select(id => (JsonNode)id).ToArray()),
            ["max_tokens"] = 10,
            ["temperature"] = 0.8,
            ["seed"] = 42,
            ["top_k"] = 30,
            ["repetition_penalty"] = 1.2,
            ["ignore_eos"] = true,
            ["stream"] = true,
            ["stream_options"] = new JsonObject { ["include_usage"] = true },
        };

        using var response = await server.PostStreamingAsync("v1/completions", body);
        var sse = await ServerSentEvents.ReadAsync(response);

        Assert.True(sse.Done);
        Assert.Equal(expected.Text, sse.Text);
        Assert.Equal("length", (string?)sse.Events[^2]["choices"]![0]!["finish_reason"]);
        Assert.Equal(10, (int)sse.Events[^1]["usage"]!["completion_tokens"]!);
        Assert.Equal(ids.Count, (int)sse.Events[^1]["usage"]!["prompt_tokens"]!);
    }

    [Fact]
    public async Task AStopTokenIdEndsTheCompletion()
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        var ids = model.Tokenizer.Encode(Prompt);
        var free = model.Generate(ids, new GenerationOptions { MaxNewTokens = 12, IgnoreEndOfSequence = true });
        var stopId = free.OutputIds[3];
        var body = new JsonObject
        {
            ["prompt"] = Prompt,
            ["max_tokens"] = 12,
            ["ignore_eos"] = true,
            ["stop_token_ids"] = new JsonArray(stopId),
        };

        using var response = await server.PostAsync("v1/completions", body);
        var completion = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal("stop", (string?)completion["choices"]![0]!["finish_reason"]);
        Assert.Equal(free.OutputIds.ToList().IndexOf(stopId) + 1, (int)completion["usage"]!["completion_tokens"]!);
    }
}
