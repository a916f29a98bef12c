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
}
