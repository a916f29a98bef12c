using System.Net;
using System.Text.Json.Nodes;
using TokenSkip.Core;
using Xunit;

namespace TokenSkip.Hosting.Tests;

/// <summary><c>/v1/chat/completions</c> and <c>/v1/models</c> over real HTTP on loopback.</summary>
[Collection(ServerCollection.Name)]
public sealed class ChatCompletionsTests(ServedModelFixture model)
{
    [Fact]
    public async Task ModelsListsTheServedModel()
    {
        await using var server = await RunningServer.StartAsync(model.Folder);

        var list = JsonNode.Parse(await server.Client.GetStringAsync("v1/models"))!;

        Assert.Equal("list", (string?)list["object"]);
        var entry = Assert.Single(list["data"]!.AsArray())!;
        Assert.Equal(model.ModelId, (string?)entry["id"]);
        Assert.Equal("model", (string?)entry["object"]);
        Assert.True((long)entry["created"]! > 0);
    }

    [Fact]
    public async Task ACompletionIsWhatTheModelGeneratesInProcessGreedily()
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        var expected = Requests.ExpectedChat(model, Requests.Question, 16);
        var body = Requests.Chat();
        body["model"] = model.ModelId;

        using var response = await server.PostAsync("v1/chat/completions", body);
        var text = await response.Content.ReadAsStringAsync();
        var completion = JsonNode.Parse(text)!;

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("chat.completion", (string?)completion["object"]);
        Assert.StartsWith("chatcmpl-", (string?)completion["id"]);
        Assert.Equal(model.ModelId, (string?)completion["model"]);
        var choice = Assert.Single(completion["choices"]!.AsArray())!;
        Assert.Equal("assistant", (string?)choice["message"]!["role"]);
        Assert.Equal(expected.Text, (string?)choice["message"]!["content"]);
        Assert.Equal(Requests.FinishReason(expected), (string?)choice["finish_reason"]);
        Assert.Equal(expected.Usage.PromptTokens, (int)completion["usage"]!["prompt_tokens"]!);
        Assert.Equal(expected.Usage.CompletionTokens, (int)completion["usage"]!["completion_tokens"]!);
        Assert.Equal(expected.Usage.TotalTokens, (int)completion["usage"]!["total_tokens"]!);
        // A TokenSkip-trained model answers at its card's default γ; a plain one with its chat template (no γ).
        Assert.Equal(Requests.DefaultRatio(model)?.Value, (double?)completion["compression_ratio"]);
    }

    [Fact]
    public async Task AStreamOpensWithTheRoleSendsDeltasThenFinishUsageAndDone()
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        var expected = Requests.ExpectedChat(model, Requests.Question, 12, ignoreEos: true);
        var body = Requests.Chat(maxTokens: 12, stream: true);
        body["stream_options"] = new JsonObject { ["include_usage"] = true };
        body["ignore_eos"] = true;

        using var response = await server.PostStreamingAsync("v1/chat/completions", body);
        var sse = await ServerSentEvents.ReadAsync(response);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.True(sse.Done);
        Assert.All(sse.Events, e => Assert.Equal("chat.completion.chunk", (string?)e["object"]));
        Assert.Single(sse.Events.Select(e => (string?)e["id"]).Distinct());
        Assert.Equal("assistant", (string?)sse.Events[0]["choices"]![0]!["delta"]!["role"]);
        Assert.Equal(expected.Text, sse.Text);
        var finish = sse.Events[^2]["choices"]![0]!;
        Assert.Equal("length", (string?)finish["finish_reason"]);
        Assert.Empty(finish["delta"]!.AsObject());
        var usage = sse.Events[^1];
        Assert.Empty(usage["choices"]!.AsArray());
        Assert.Equal(12, (int)usage["usage"]!["completion_tokens"]!);
        Assert.Equal(expected.Usage.PromptTokens, (int)usage["usage"]!["prompt_tokens"]!);
        Assert.All(sse.Events.SkipLast(1), e => Assert.Null(e["usage"]));
    }

    [Fact]
    public async Task AStreamWithoutIncludeUsageEndsWithTheFinishChunk()
    {
        await using var server = await RunningServer.StartAsync(model.Folder);

        using var response = await server.PostStreamingAsync("v1/chat/completions", Requests.Chat(maxTokens: 4, stream: true));
        var sse = await ServerSentEvents.ReadAsync(response);

        Assert.True(sse.Done);
        Assert.NotNull((string?)sse.Events[^1]["choices"]![0]!["finish_reason"]);
        Assert.All(sse.Events, e => Assert.Null(e["usage"]));
    }

    [Fact]
    public async Task ACompressionRatioSelectsTokenSkipsPromptAndIsReported()
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        var expected = Requests.ExpectedChat(model, Requests.Question, 10, new CompressionRatio(0.6));
        var body = Requests.Chat(maxTokens: 10);
        body["compression_ratio"] = 0.6;
        var streamed = Requests.Chat(maxTokens: 10, stream: true);
        streamed["compression_ratio"] = 0.6;

        using var response = await server.PostAsync("v1/chat/completions", body);
        var completion = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        using var streamResponse = await server.PostStreamingAsync("v1/chat/completions", streamed);
        var sse = await ServerSentEvents.ReadAsync(streamResponse);

        Assert.Equal(0.6, (double)completion["compression_ratio"]!);
        Assert.Equal(expected.Usage.PromptTokens, (int)completion["usage"]!["prompt_tokens"]!);
        Assert.Equal(expected.Text, (string?)completion["choices"]![0]!["message"]!["content"]);
        Assert.All(sse.Events, e => Assert.Equal(0.6, (double)e["compression_ratio"]!));
        Assert.Equal(expected.Text, sse.Text);
    }

    [Fact]
    public async Task ATokenBudgetAloneLetsThePlannerChooseGammaAndCapsTheCompletion()
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        var body = Requests.Chat(maxTokens: 400);
        body["token_budget"] = 30;
        body["ignore_eos"] = true;

        using var response = await server.PostAsync("v1/chat/completions", body);
        var completion = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var gamma = (double)completion["compression_ratio"]!;
        Assert.InRange(gamma, 0.5, 1.0);
        Assert.Equal(30, (int)completion["token_budget"]!);
        Assert.False(string.IsNullOrEmpty((string?)completion["budget_explanation"]));
        Assert.NotNull(completion["predicted_tokens"]);
        // A 30-token budget is far below any CoT prediction: the planner falls back to γ = 0.5 with a hard cap.
        Assert.True((bool)completion["budget_fallback"]!);
        Assert.Equal(0.5, gamma);
        Assert.InRange((int)completion["usage"]!["completion_tokens"]!, 1, 30);
        var prompt = Requests.ExpectedChat(model, Requests.Question, 1, new CompressionRatio(gamma));
        Assert.Equal(prompt.Usage.PromptTokens, (int)completion["usage"]!["prompt_tokens"]!);
    }

    [Fact]
    public async Task AStopStringEndsTheCompletionBeforeIt()
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        var full = Requests.ExpectedChat(model, Requests.Question, 24, ignoreEos: true);
        var stop = full.Text![6..8];
        var body = Requests.Chat(maxTokens: 24);
        body["ignore_eos"] = true;
        body["stop"] = stop;

        using var response = await server.PostAsync("v1/chat/completions", body);
        var choice = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["choices"]![0]!;

        Assert.Equal(full.Text[..full.Text.IndexOf(stop, StringComparison.Ordinal)], (string?)choice["message"]!["content"]);
        Assert.Equal("stop", (string?)choice["finish_reason"]);
    }
}
