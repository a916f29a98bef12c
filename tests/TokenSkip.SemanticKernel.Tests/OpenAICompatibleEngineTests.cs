using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using TokenSkip.Core.Prompts;
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

    private sealed class RecordingHandler(string reply, HttpStatusCode status = HttpStatusCode.OK) : HttpMessageHandler
    {
        public Uri? Uri { get; private set; }

        public string? Body { get; private set; }

        public string? Authorization { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Uri = request.RequestUri;
            Authorization = request.Headers.Authorization?.ToString();
            Body = await request.Content!.ReadAsStringAsync(cancellationToken);
            return new HttpResponseMessage(status) { Content = new StringContent(reply, Encoding.UTF8, "text/event-stream") };
        }
    }
}
