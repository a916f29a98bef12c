using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel.ChatCompletion;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Remote;
using Xunit;

namespace TokenSkip.SemanticKernel.Tests;

public sealed class OpenAICompatibleEngineTests
{
    private const string Stream =
        "data: {\"choices\":[{\"index\":0,\"text\":\"3 × 4\",\"finish_reason\":null}]}\n\n" +
        "data: {\"choices\":[{\"index\":0,\"text\":\" = 12\",\"finish_reason\":\"stop\"}]}\n\n" +
        "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":41,\"completion_tokens\":7,\"total_tokens\":48}}\n\n" +
        "data: [DONE]\n\n";

    [Fact]
    public async Task ShouldSendTheRenderedPromptAndStreamTheReplyAsync()
    {
        var handler = new RecordingHandler(Stream);
        var engine = new OpenAICompatibleEngine(new Uri("http://127.0.0.1:9/v1"), "tokenskip-7b", ModelFamily.Qwen2, new HttpClient(handler), apiKey: "k");
        var client = new TokenSkipChatClient(engine);

        var response = await client.GetResponseAsync("How many?", new ChatOptions
        {
            MaxOutputTokens = 64, TopK = 5, Seed = 9,
            AdditionalProperties = new() { [TokenSkipOptionKeys.CompressionRatio] = 0.6 },
        });

        Assert.Equal("3 × 4 = 12", response.Text);
        Assert.Equal(7, response.Usage!.OutputTokenCount);
        Assert.Equal(41, response.Usage.InputTokenCount);
        Assert.Equal("http://127.0.0.1:9/v1/completions", handler.Uri!.ToString());
        Assert.Equal("Bearer k", handler.Authorization);
        using var body = JsonDocument.Parse(handler.Body!);
        var root = body.RootElement;
        Assert.Equal("tokenskip-7b", root.GetProperty("model").GetString());
        Assert.Equal(TokenSkipPromptBuilder.BuildPrompt(ModelFamily.Qwen2, "How many?", new(0.6)), root.GetProperty("prompt").GetString());
        Assert.Equal(64, root.GetProperty("max_tokens").GetInt32());
        Assert.Equal(5, root.GetProperty("top_k").GetInt32());
        Assert.Equal(9, root.GetProperty("seed").GetInt32());
        Assert.True(root.GetProperty("stream").GetBoolean());
        Assert.Contains("<|im_end|>", root.GetProperty("stop").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task ShouldReportLengthAndCountChunksWithoutUsageAsync()
    {
        var handler = new RecordingHandler(
            "data: {\"choices\":[{\"text\":\"a\"}]}\n\ndata: {\"choices\":[{\"text\":\"b\",\"finish_reason\":\"length\"}]}\n\ndata: [DONE]\n\n");
        var engine = new OpenAICompatibleEngine(new Uri("http://127.0.0.1:9/v1/"), "m", ModelFamily.Llama3, new HttpClient(handler));

        var response = await new TokenSkipChatClient(engine).GetResponseAsync("Q?");

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(2, response.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task ShouldNameTheEndpointWhenTheServerFailsAsync()
    {
        var handler = new RecordingHandler("{\"error\":\"no such model\"}", HttpStatusCode.NotFound);
        var engine = new OpenAICompatibleEngine(new Uri("http://127.0.0.1:9/v1"), "m", ModelFamily.Qwen2, new HttpClient(handler));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => new TokenSkipChatClient(engine).GetResponseAsync("Q?"));

        Assert.Contains("http://127.0.0.1:9/v1/completions answered 404", error.Message);
        Assert.Contains("no such model", error.Message);
    }

    [Fact]
    public async Task ShouldSendMaxTokensOnlyWhenTheCallerSetsItAsync()
    {
        var handler = new RecordingHandler(Stream);
        var engine = new OpenAICompatibleEngine(new Uri("http://127.0.0.1:9/v1"), "m", ModelFamily.Qwen2, new HttpClient(handler));
        var client = new TokenSkipChatClient(engine);

        await client.GetResponseAsync("Q?");
        var withoutLimit = JsonDocument.Parse(handler.Body!).RootElement.TryGetProperty("max_tokens", out _);
        await client.GetResponseAsync("Q?", new ChatOptions { AdditionalProperties = new() { [TokenSkipOptionKeys.TokenBudget] = 30 } });
        var budgeted = JsonDocument.Parse(handler.Body!).RootElement.GetProperty("max_tokens").GetInt32();

        Assert.False(withoutLimit); // the server's own default and context apply
        Assert.InRange(budgeted, 1, 30);
    }

    [Fact]
    public async Task ShouldReadTheContextLengthAndCardFromTheServersModelsAsync()
    {
        var handler = new RecordingHandler(Stream)
        {
            Models = """{"object":"list","data":[{"id":"other","max_model_len":9},{"id":"m","object":"model","owned_by":"tokenskip","max_model_len":512,"tokenskip":{"default_ratio":0.7}}]}""",
        };
        var engine = new OpenAICompatibleEngine(new Uri("http://127.0.0.1:9/v1"), "m", ModelFamily.Qwen2, new HttpClient(handler));

        var response = await new TokenSkipChatClient(engine).GetResponseAsync("How many?");

        Assert.Equal(512, engine.Info.ContextLength);
        Assert.Equal(0.7, engine.Info.Card?.DefaultRatio);
        Assert.Contains("How many?<|eot_id|>0.7<|eot_id|>", Core.Text.MessageContent.Unmark(JsonDocument.Parse(handler.Body!).RootElement.GetProperty("prompt").GetString()!));
        Assert.Equal(0.7, response.AdditionalProperties![TokenSkipOptionKeys.CompressionRatio]);
    }

    [Fact]
    public void ShouldKeepTheGivenValuesWhenTheServerHasNoModelsList()
    {
        var engine = new OpenAICompatibleEngine(new Uri("http://127.0.0.1:9/v1"), "m", ModelFamily.Llama3, new HttpClient(new RecordingHandler(Stream)), contextLength: 4096);

        Assert.Equal(new Core.Engine.EngineInfo("m", ModelFamily.Llama3, 4096), engine.Info);
    }

    [Fact]
    public async Task ShouldDisposeOnlyAnHttpClientItCreatedAsync()
    {
        var handler = new RecordingHandler(Stream);
        var callers = new HttpClient(handler);
        var engine = new OpenAICompatibleEngine(new Uri("http://127.0.0.1:9/v1"), "m", ModelFamily.Qwen2, callers);

        engine.Dispose();

        using var stillUsable = await callers.GetAsync("http://127.0.0.1:9/v1/models"); // would throw ObjectDisposedException
        Assert.Equal(HttpStatusCode.NotFound, stillUsable.StatusCode);
    }

    [Fact]
    public async Task TheEndpointsRegistrationsFailOverToAnotherReplicaAsync()
    {
        var handler = new ReplicaHandler(Stream, failing: "a");
        var services = new ServiceCollection();
        services.AddTokenSkipChatCompletion(endpoints: [new Uri("http://a:9/v1"), new Uri("http://b:9/v1")], modelId: "m", family: ModelFamily.Qwen2,
            httpClient: new HttpClient(handler));
        services.AddTokenSkipChatClient(endpoints: [new Uri("http://a:9/v1"), new Uri("http://b:9/v1")], modelId: "m", family: ModelFamily.Qwen2,
            serviceId: "client", httpClient: new HttpClient(handler));
        using var provider = services.BuildServiceProvider();

        var reply = await provider.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync("How many?");
        var response = await provider.GetRequiredKeyedService<IChatClient>("client").GetResponseAsync("How many?");

        Assert.Equal("3 × 4 = 12", reply.Content);
        Assert.Equal("3 × 4 = 12", response.Text);
        Assert.Equal(["a", "b", "a", "b"], handler.Completions); // each tried the first replica, got a 503, and went on to the other
    }

    /// <summary>Two replicas: <c>failing</c> answers every completion with 503; the other streams <c>reply</c>.</summary>
    private sealed class ReplicaHandler(string reply, string failing) : HttpMessageHandler
    {
        private readonly List<string> _completions = [];

        public IReadOnlyList<string> Completions
        {
            get
            {
                lock (_completions)
                {
                    return _completions.ToArray();
                }
            }
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Get)
            {
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
            }

            lock (_completions)
            {
                _completions.Add(request.RequestUri!.Host);
            }

            return Task.FromResult(request.RequestUri!.Host == failing
                ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("loading") }
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(reply, Encoding.UTF8, "text/event-stream") });
        }
    }

    private sealed class RecordingHandler(string reply, HttpStatusCode status = HttpStatusCode.OK) : HttpMessageHandler
    {
        public Uri? Uri { get; private set; }

        public string? Body { get; private set; }

        public string? Authorization { get; private set; }

        /// <summary>What GET /models answers; null answers 404 (a server without the list).</summary>
        public string? Models { get; init; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Get)
            {
                return Models is null
                    ? new HttpResponseMessage(HttpStatusCode.NotFound)
                    : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Models, Encoding.UTF8, "application/json") };
            }

            Uri = request.RequestUri;
            Authorization = request.Headers.Authorization?.ToString();
            Body = await request.Content!.ReadAsStringAsync(cancellationToken);
            return new HttpResponseMessage(status) { Content = new StringContent(reply, Encoding.UTF8, "text/event-stream") };
        }
    }
}
