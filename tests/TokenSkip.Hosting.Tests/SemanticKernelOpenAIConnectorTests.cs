#pragma warning disable SKEXP0010 // ExtraBody is SK's documented way to send vendor fields
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using Xunit;

namespace TokenSkip.Hosting.Tests;

/// <summary>Semantic Kernel's own OpenAI connector, pointed at the server, gets what the model generates in process.</summary>
[Collection(ServerCollection.Name)]
public sealed class SemanticKernelOpenAIConnectorTests(ServedModelFixture model)
{
    private static readonly OpenAIPromptExecutionSettings Greedy = new() { Temperature = 0, MaxTokens = 16 };

    // An OpenAI client aimed at the server, as any application would configure one for a compatible endpoint.
    private OpenAIChatCompletionService Service(RunningServer server) => new(model.ModelId, new OpenAI.OpenAIClient(
        new System.ClientModel.ApiKeyCredential("unused"),
        new OpenAI.OpenAIClientOptions { Endpoint = server.ApiRoot, Transport = new System.ClientModel.Primitives.HttpClientPipelineTransport(server.Client) }));

    [Fact]
    public async Task ANonStreamedChatCompletionMatchesInProcessGreedyGeneration()
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        var service = Service(server);
        var expected = Requests.ExpectedChat(model, Requests.Question, 16);
        var history = new ChatHistory();
        history.AddUserMessage(Requests.Question);

        var reply = await service.GetChatMessageContentAsync(history, Greedy);

        Assert.Equal(expected.Text, reply.Content);
        Assert.Equal(AuthorRole.Assistant, reply.Role);
        Assert.Equal(model.ModelId, reply.ModelId);
        var usage = Assert.IsType<OpenAI.Chat.ChatTokenUsage>(reply.Metadata!["Usage"], exactMatch: false);
        Assert.Equal(expected.Usage.PromptTokens, usage.InputTokenCount);
        Assert.Equal(expected.Usage.CompletionTokens, usage.OutputTokenCount);
        Assert.Equal(Requests.FinishReason(expected), reply.Metadata["FinishReason"]?.ToString()?.ToLowerInvariant());
    }

    [Fact]
    public async Task AStreamedChatCompletionMatchesInProcessGreedyGeneration()
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        var service = Service(server);
        var expected = Requests.ExpectedChat(model, Requests.Question, 16);
        var history = new ChatHistory();
        history.AddUserMessage(Requests.Question);

        var text = new System.Text.StringBuilder();
        var chunks = 0;
        await foreach (var chunk in service.GetStreamingChatMessageContentsAsync(history, Greedy))
        {
            text.Append(chunk.Content);
            chunks++;
        }

        Assert.Equal(expected.Text, text.ToString());
        Assert.True(chunks > 1, "the answer should arrive in several chunks");
        await server.AssertIdleAsync();
    }

    [Fact]
    public async Task ExtraBodyCarriesTokenSkipsFieldsThroughSemanticKernelsConnector()
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        var service = Service(server);
        var history = new ChatHistory();
        history.AddUserMessage(Requests.Question);

        var plain = await service.GetChatMessageContentAsync(history, new OpenAIPromptExecutionSettings { MaxTokens = 4, ExtraBody = new Dictionary<string, object?> { ["compression_ratio"] = 1.0 } });
        var compressed = await service.GetChatMessageContentAsync(history, new OpenAIPromptExecutionSettings { MaxTokens = 4, ExtraBody = new Dictionary<string, object?> { ["compression_ratio"] = 0.6 } });

        var plainPrompt = Assert.IsType<OpenAI.Chat.ChatTokenUsage>(plain.Metadata!["Usage"], exactMatch: false).InputTokenCount;
        var compressedPrompt = Assert.IsType<OpenAI.Chat.ChatTokenUsage>(compressed.Metadata!["Usage"], exactMatch: false).InputTokenCount;
        Assert.Equal(Requests.ExpectedChat(model, Requests.Question, 4, new Core.CompressionRatio(1.0)).Usage.PromptTokens, plainPrompt);
        Assert.Equal(Requests.ExpectedChat(model, Requests.Question, 4, new Core.CompressionRatio(0.6)).Usage.PromptTokens, compressedPrompt);
    }
}
