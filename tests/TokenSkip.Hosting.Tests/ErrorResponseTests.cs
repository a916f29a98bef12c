using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text.Json.Nodes;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Hosting.Tests;

/// <summary>Every refused request gets OpenAI's error JSON and the right status, and the server keeps serving.</summary>
[Collection(ServerCollection.Name)]
public sealed class ErrorResponseTests(ServedModelFixture model)
{
    public static TheoryData<string, string, string?, string> BadChatRequests => new()
    {
        { "{\"messages\": [", "invalid_json", null, "not valid JSON" },
        { "[1, 2]", "invalid_json", null, "JSON object" },
        { """{"messages": [{"role": "user", "content": "hi"}], "temperature": "hot"}""", "invalid_type", "temperature", "expected a number" },
        { """{"messages": [{"role": "user", "content": 5}]}""", "invalid_type", "messages[0].content", "content must be a string" },
        { """{"messages": "hi"}""", "invalid_type", "messages", "an array of message objects" },
        { """{"messages": [{"role": "user", "content": "hi"}], "max_tokens": 1.5}""", "invalid_type", "max_tokens", "an integer" },
        { """{"messages": [{"role": "user", "content": "hi"}], "stream": "yes"}""", "invalid_type", "stream", "true or false" },
        { """{"messages": [{"role": "user", "content": [{"type": "image_url"}]}]}""", "invalid_type", "messages[0].content", "not supported" },
        { """{"messages": [{"role": "user", "content": "hi"}], "compression_ratio": 0.3}""", "invalid_value", "compression_ratio", "between 0.5 and 1.0" },
        { """{"messages": [{"role": "user", "content": "hi"}], "compression_ratio": 1.2}""", "invalid_value", "compression_ratio", "between 0.5 and 1.0" },
        { """{"messages": [{"role": "user", "content": "hi"}], "token_budget": 0}""", "invalid_value", "token_budget", "at least 1" },
        { """{"messages": [{"role": "user", "content": "hi"}], "n": 2}""", "unsupported_value", "n", "n = 1" },
        { """{"messages": [{"role": "user", "content": "hi"}], "max_tokens": 0}""", "invalid_value", "max_tokens", "at least 1" },
        { """{"messages": [{"role": "user", "content": "hi"}], "max_completion_tokens": 100000}""", "invalid_value", "max_completion_tokens", "at most" },
        { """{"messages": [{"role": "user", "content": "hi"}], "temperature": 3}""", "invalid_value", "temperature", "between 0 and 2" },
        { """{"messages": [{"role": "user", "content": "hi"}], "top_p": 1.5}""", "invalid_value", "top_p", "between 0 and 1" },
        { """{"messages": [{"role": "wizard", "content": "hi"}]}""", "invalid_value", "messages[0].role", "not one of" },
        { """{"messages": []}""", "missing_required_parameter", "messages", "non-empty" },
        { """{"messages": [{"role": "system", "content": "be brief"}], "compression_ratio": 0.7}""", "invalid_value", "messages", "no user message" },
    };

    [Theory]
    [MemberData(nameof(BadChatRequests))]
    public async Task ABadChatRequestIs400WithTheFieldNamed(string body, string code, string? param, string messagePart)
    {
        await using var server = await RunningServer.StartAsync(model.Folder);

        using var response = await server.PostAsync("v1/chat/completions", body);
        var error = await ErrorOf(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.Equal(code, (string?)error["code"]);
        Assert.Equal(param, (string?)error["param"]);
        Assert.Contains(messagePart, (string?)error["message"]);
        await AssertStillServesAsync(server);
    }

    public static TheoryData<string, string, string> BadTextRequests => new()
    {
        { """{"max_tokens": 4}""", "missing_required_parameter", "prompt" },
        { """{"prompt": [1, 1000000000]}""", "invalid_value", "prompt" },
        { """{"prompt": [1, "x"]}""", "invalid_type", "prompt" },
        { """{"prompt": []}""", "invalid_value", "prompt" },
        { """{"prompt": "hi", "logprobs": 21}""", "invalid_value", "logprobs" },
        { """{"prompt": "hi", "logprobs": -1}""", "invalid_value", "logprobs" },
        { """{"prompt": "hi", "logprobs": true}""", "invalid_type", "logprobs" },
        { """{"prompt": "hi", "logprobs": 1, "stream": true}""", "unsupported_value", "logprobs" },
        { """{"prompt": "hi", "max_tokens": 0}""", "invalid_value", "max_tokens" },
        { """{"prompt": "hi", "stop_token_ids": [-1]}""", "invalid_value", "stop_token_ids" },
    };

    [Theory]
    [MemberData(nameof(BadTextRequests))]
    public async Task ABadTextCompletionRequestIs400WithTheFieldNamed(string body, string code, string param)
    {
        await using var server = await RunningServer.StartAsync(model.Folder);

        using var response = await server.PostAsync("v1/completions", body);
        var error = await ErrorOf(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (string?)error["code"]);
        Assert.Equal(param, (string?)error["param"]);
        await AssertStillServesAsync(server);
    }

    [Fact]
    public async Task UnknownFieldsAreIgnored()
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        var body = Requests.Chat(maxTokens: 2);
        body["frequency_penalty"] = "not checked";
        body["user"] = new JsonObject { ["any"] = 1 };

        using var response = await server.PostAsync("v1/chat/completions", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task APromptLongerThanTheContextIs400()
    {
        await using var server = await RunningServer.StartAsync(model.Folder, o => o.ContextTokens = 96);
        var longQuestion = string.Concat(Enumerable.Repeat("How many apples does Tom have now? ", 20));

        using var tooLong = await server.PostAsync("v1/chat/completions", Requests.Chat(longQuestion));
        using var tooMuch = await server.PostAsync("v1/chat/completions", Requests.Chat("Hi", maxTokens: 90));
        using var textTooLong = await server.PostAsync("v1/completions", new JsonObject { ["prompt"] = longQuestion });
        var error = await ErrorOf(tooLong);

        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal("context_length_exceeded", (string?)error["code"]);
        Assert.Equal("messages", (string?)error["param"]);
        Assert.Contains("context is 96 tokens", (string?)error["message"]);
        Assert.Equal("context_length_exceeded", (string?)(await ErrorOf(tooMuch))["code"]);
        Assert.Equal("prompt", (string?)(await ErrorOf(textTooLong))["param"]);
        await AssertStillServesAsync(server);
    }

    [Fact]
    public async Task AnUnknownModelIs404()
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        var body = Requests.Chat();
        body["model"] = "gpt-4o";

        using var response = await server.PostAsync("v1/chat/completions", body);
        var error = await ErrorOf(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("model_not_found", (string?)error["code"]);
        Assert.Contains(model.ModelId, (string?)error["message"]);
    }

    [Fact]
    public async Task ABodyOverTheLimitIs413()
    {
        await using var server = await RunningServer.StartAsync(model.Folder, o => o.MaxRequestBodyBytes = 4096);
        var big = Requests.Chat(new string('a', 5000));

        using var response = await server.PostAsync("v1/chat/completions", big);
        var error = await ErrorOf(response);
        // Without Content-Length (chunked), the limit is found while reading.
        var chunked = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(big.ToJsonString())));
        chunked.Headers.ContentType = new("application/json");
        using var chunkedResponse = await server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = chunked,
            Headers = { TransferEncodingChunked = true },
        });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", (string?)error["code"]);
        Assert.Contains("4096 bytes", (string?)error["message"]);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunkedResponse.StatusCode);
        Assert.Equal("request_too_large", (string?)(await ErrorOf(chunkedResponse))["code"]);
        await AssertStillServesAsync(server);
    }

    [Fact]
    public async Task WithAnApiKeyOnlyBearerRequestsAreServedAndHealthStaysOpen()
    {
        await using var server = await RunningServer.StartAsync(model.Folder, o => o.ApiKey = "s3cret");

        using var missing = await server.PostAsync("v1/chat/completions", Requests.Chat(maxTokens: 2));
        server.Client.DefaultRequestHeaders.Authorization = new("Bearer", "wrong");
        using var wrong = await server.Client.GetAsync("v1/models");
        server.Client.DefaultRequestHeaders.Authorization = new("Bearer", "s3cret");
        using var right = await server.PostAsync("v1/chat/completions", Requests.Chat(maxTokens: 2));
        server.Client.DefaultRequestHeaders.Authorization = null;
        using var health = await server.Client.GetAsync("health/ready");

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("invalid_api_key", (string?)(await ErrorOf(missing))["code"]);
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task AFullQueueIs429WithRetryAfter()
    {
        var gate = new StepGate();
        await using var server = await RunningServer.StartAsync(model.Folder, o =>
        {
            o.MaxBatchSize = 1;
            o.MaxQueueLength = 1;
            o.RetryAfterSeconds = 2;
        });
        server.Worker.BeforeStep = gate.Pass;

        var first = server.PostAsync("v1/chat/completions", Requests.Chat(maxTokens: 3));
        await gate.HeldAsync(); // the first request holds the only slot
        var second = server.PostAsync("v1/chat/completions", Requests.Chat(maxTokens: 3));
        for (var i = 0; i < 600 && server.Worker.QueuedRequests == 0; i++)
        {
            await Task.Delay(20);
        }

        using var refused = await server.PostAsync("v1/chat/completions", Requests.Chat(maxTokens: 3));
        gate.Open();
        using var firstResponse = await first;
        using var secondResponse = await second;

        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), refused.Headers.RetryAfter!.Delta);
        Assert.Equal("rate_limit_error", (string?)(await ErrorOf(refused))["type"]);
        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, secondResponse.StatusCode);
        await AssertStillServesAsync(server);
    }

    [Fact]
    public async Task BeforeTheModelIsLoadedRequestsAre503AndReadinessFails()
    {
        GatedModelLoader? loader = null;
        await using var server = await RunningServer.StartAsync(model.Folder, services: s =>
            s.AddSingleton<Worker.IModelLoader>(provider => loader = new GatedModelLoader(new Worker.FolderModelLoader(
                provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<TokenSkipServerOptions>>()))), waitForModel: false);

        using var chat = await server.PostAsync("v1/chat/completions", Requests.Chat());
        using var models = await server.Client.GetAsync("v1/models");
        using var notReady = await server.Client.GetAsync("health/ready");
        using var live = await server.Client.GetAsync("health/live");
        loader!.Open();
        Assert.True(await server.Worker.Loaded.WaitAsync(TimeSpan.FromSeconds(60)));
        using var ready = await server.Client.GetAsync("health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, chat.StatusCode);
        Assert.Equal("service_unavailable_error", (string?)(await ErrorOf(chat))["type"]);
        Assert.Contains("loading", (string?)(await ErrorOf(chat))["message"]);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, models.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Contains("loading", await notReady.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", (string?)JsonNode.Parse(await ready.Content.ReadAsStringAsync())!["status"]);
        await AssertStillServesAsync(server);
    }

    private static async Task<JsonNode> ErrorOf(HttpResponseMessage response)
    {
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        return body["error"]!;
    }

    private static async Task AssertStillServesAsync(RunningServer server)
    {
        using var response = await server.PostAsync("v1/chat/completions", Requests.Chat(maxTokens: 3));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await server.AssertIdleAsync();
    }
}
