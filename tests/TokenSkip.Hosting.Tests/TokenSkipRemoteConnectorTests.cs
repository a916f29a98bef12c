using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.AI;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Remote;
using TokenSkip.SemanticKernel;
using Xunit;

namespace TokenSkip.Hosting.Tests;

/// <summary>
/// The project's own connector (<see cref="TokenSkipChatClient"/>) in remote mode — over <see cref="OpenAICompatibleEngine"/>
/// and this server's <c>/v1/completions</c> — answers exactly as it does in process over a local engine.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class TokenSkipRemoteConnectorTests(ServedModelFixture model)
{
    private static readonly ChatMessage[] Conversation =
    [
        new(ChatRole.System, "You are a careful math tutor."),
        new(ChatRole.User, Requests.Question),
    ];

    [Theory]
    [InlineData(0.6, false)]
    [InlineData(1.0, true)]
    public async Task RemoteAndInProcessConnectorsGiveTheSameGreedyAnswer(double ratio, bool streaming)
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        using var local = model.CreateLocalEngine();
        var remote = new OpenAICompatibleEngine(server.ApiRoot, model.ModelId, ModelFamily.Qwen2, server.Client);
        var options = new ChatOptions
        {
            MaxOutputTokens = 20,
            Temperature = 0,
            AdditionalProperties = new() { [TokenSkipOptionKeys.CompressionRatio] = ratio },
        };

        var expected = await Answer(new TokenSkipChatClient(local), options, streaming);
        var actual = await Answer(new TokenSkipChatClient(remote), options, streaming);

        Assert.Equal(expected.Text, actual.Text);
        Assert.Equal(expected.FinishReason, actual.FinishReason);
        var expectedUsage = expected.Usage!;
        var actualUsage = actual.Usage!;
        Assert.Equal(expectedUsage.InputTokenCount, actualUsage.InputTokenCount);
        Assert.Equal(expectedUsage.OutputTokenCount, actualUsage.OutputTokenCount);
        Assert.Equal(ratio, Report(actual)[TokenSkipOptionKeys.CompressionRatio]);
        await server.AssertIdleAsync();
    }

    [Fact]
    public async Task InsideTheServerHostTheConnectorSharesTheWorkersBatch()
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        using var local = model.CreateLocalEngine();
        var hosted = server.App.Services.GetRequiredService<Core.Engine.IGenerationEngine>();
        var options = new ChatOptions { MaxOutputTokens = 20, AdditionalProperties = new() { [TokenSkipOptionKeys.CompressionRatio] = 0.8 } };

        var expected = await Answer(new TokenSkipChatClient(local), options, streaming: true);
        var actual = await Answer(new TokenSkipChatClient(hosted), options, streaming: true);

        Assert.Same(server.Worker, hosted);
        Assert.Equal(expected.Text, actual.Text);
        Assert.Equal(expected.Usage!.OutputTokenCount, actual.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task ABudgetOnlyCallPlansGammaTheSameWayRemotely()
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        using var local = model.CreateLocalEngine();
        var remote = new OpenAICompatibleEngine(server.ApiRoot, model.ModelId, ModelFamily.Qwen2, server.Client);
        var options = new ChatOptions { MaxOutputTokens = 40, AdditionalProperties = new() { [TokenSkipOptionKeys.TokenBudget] = 25 } };

        var expected = await Answer(new TokenSkipChatClient(local), options, streaming: true);
        var actual = await Answer(new TokenSkipChatClient(remote), options, streaming: true);

        Assert.Equal(expected.Text, actual.Text);
        Assert.Equal(Report(expected)[TokenSkipOptionKeys.CompressionRatio], Report(actual)[TokenSkipOptionKeys.CompressionRatio]);
        Assert.InRange(actual.Usage!.OutputTokenCount!.Value, 1, 25);
    }

    // The connector puts its report on the final update; a ChatResponse keeps it on the response or its last message.
    private static AdditionalPropertiesDictionary Report(ChatResponse response) =>
        response.AdditionalProperties ?? response.Messages[^1].AdditionalProperties
        ?? throw new InvalidOperationException("the response carries no TokenSkip report");

    private static async Task<ChatResponse> Answer(IChatClient client, ChatOptions options, bool streaming) =>
        streaming
            ? await client.GetStreamingResponseAsync(Conversation, options).ToChatResponseAsync()
            : await client.GetResponseAsync(Conversation, options);
}
