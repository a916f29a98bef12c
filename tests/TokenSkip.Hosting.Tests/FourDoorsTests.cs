#pragma warning disable OPENAI001 // ChatCompletionOptions.Seed is marked experimental; the server honours it like vLLM
using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using OpenAI.Chat;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Remote;
using TokenSkip.Pipeline.Synthetic;
using TokenSkip.SemanticKernel;
using Xunit;
using MeaiChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace TokenSkip.Hosting.Tests;

/// <summary>
/// The same held-out problems through the four doors to the model, each used the way its users use it, with no
/// TokenSkip fields: the in-process client (registered from the model folder), the server through the official OpenAI
/// .NET client, the server through Semantic Kernel's own OpenAI connector, and the remote connector with its defaults.
/// Every door must produce the same tokens, greedy and with a fixed seed.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class FourDoorsTests(ServedModelFixture model)
{
    // A seed no recipe trains on: problems the embedded model has never seen.
    private static readonly string[] Questions = [.. WordProblemGenerator.Generate(seed: 4242, count: 4).Select(p => p.Question)];

    public static TheoryData<bool> Sampling() => [false, true];

    [Theory]
    [MemberData(nameof(Sampling))]
    public async Task EveryDoorAnswersWithTheSameTokens(bool seeded)
    {
        await using var server = await RunningServer.StartAsync(model.Folder, o => o.ContextTokens = 1024);
        using var services = Doors(server);
        var inProcess = services.GetRequiredKeyedService<IChatClient>("in-process");
        var remote = services.GetRequiredKeyedService<IChatCompletionService>("remote");
        var openAI = new ChatClient(model.ModelId, new ApiKeyCredential("unused"),
            new OpenAI.OpenAIClientOptions { Endpoint = server.ApiRoot, Transport = new HttpClientPipelineTransport(server.Client) });
        var skOpenAI = new OpenAIChatCompletionService(model.ModelId, new OpenAI.OpenAIClient(new ApiKeyCredential("unused"),
            new OpenAI.OpenAIClientOptions { Endpoint = server.ApiRoot, Transport = new HttpClientPipelineTransport(server.Client) }));

        foreach (var question in Questions)
        {
            var expected = await inProcess.GetResponseAsync(question, seeded
                ? new ChatOptions { Temperature = 0.8f, Seed = 7, MaxOutputTokens = 160 }
                : null);
            var official = (await openAI.CompleteChatAsync([new UserChatMessage(question)], seeded
                ? new ChatCompletionOptions { Temperature = 0.8f, Seed = 7, MaxOutputTokenCount = 160 }
                : null)).Value;
            var history = new ChatHistory();
            history.AddUserMessage(question);
            var sk = await skOpenAI.GetChatMessageContentAsync(history, seeded
                ? new OpenAIPromptExecutionSettings { Temperature = 0.8, Seed = 7, MaxTokens = 160 }
                : null);
            var connector = await remote.GetChatMessageContentAsync(history, seeded
                ? new TokenSkipPromptExecutionSettings { Temperature = 0.8, Seed = 7, MaxTokens = 160 }
                : null);

            Assert.False(string.IsNullOrEmpty(expected.Text));
            Assert.Equal(expected.Text, official.Content[0].Text);
            Assert.Equal(expected.Usage!.OutputTokenCount, official.Usage.OutputTokenCount);
            Assert.Equal(expected.Usage.InputTokenCount, official.Usage.InputTokenCount);
            Assert.Equal(expected.Text, sk.Content);
            Assert.Equal(expected.Text, connector.Content);
        }
    }

    [Fact]
    public async Task TheRemoteConnectorWithDefaultsWorksAgainstTheServersSmallContext()
    {
        await using var server = await RunningServer.StartAsync(model.Folder, o => o.ContextTokens = 256);
        using var services = Doors(server);
        var remote = services.GetRequiredKeyedService<IChatCompletionService>("remote");
        var history = new ChatHistory();
        history.AddUserMessage(Questions[0]);

        var reply = await remote.GetChatMessageContentAsync(history);

        Assert.False(string.IsNullOrEmpty(reply.Content));
        var engine = services.GetRequiredKeyedService<IChatClient>("remote-client").GetService<OpenAICompatibleEngine>()!;
        Assert.Equal(256, engine.Info.ContextLength); // read from the server's /v1/models (max_model_len)
        Assert.NotNull(engine.Info.Card); // and the card, so the remote door renders as the server does
    }

    private ServiceProvider Doors(RunningServer server)
    {
        var services = new ServiceCollection();
        services.AddTokenSkipChatClient(modelPath: model.Folder, serviceId: "in-process");
        services.AddTokenSkipChatCompletion(server.ApiRoot, model.ModelId, ModelFamily.Qwen2, serviceId: "remote", httpClient: server.Client);
        services.AddTokenSkipChatClient(server.ApiRoot, model.ModelId, ModelFamily.Qwen2, serviceId: "remote-client", httpClient: server.Client);
        return services.BuildServiceProvider();
    }
}
