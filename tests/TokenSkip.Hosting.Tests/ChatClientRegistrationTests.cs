using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using TokenSkip.SemanticKernel;
using Xunit;

namespace TokenSkip.Hosting.Tests;

/// <summary>
/// The MEAI registration from a model folder: the container loads and owns the engine, and the returned
/// <see cref="ChatClientBuilder"/> takes the usual middleware (OpenTelemetry here) without a second tool-calling layer.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ChatClientRegistrationTests(ServedModelFixture model)
{
    [Fact]
    public async Task TheReturnedBuilderTakesOpenTelemetryAndTheSpanReportsTheCall()
    {
        const string source = "TokenSkip.Tests.Telemetry";
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(source).AddInMemoryExporter(spans).Build();
        var services = new ServiceCollection();
        services.AddTokenSkipChatClient(modelPath: model.Folder).UseOpenTelemetry(sourceName: source);
        IChatClient client;
        ChatResponse response;
        await using (var provider = services.BuildServiceProvider())
        {
            client = provider.GetRequiredService<IChatClient>();
            response = await client.GetResponseAsync(Requests.Question, new ChatOptions { MaxOutputTokens = 12 });
            Assert.NotNull(client.GetService<FunctionInvokingChatClient>()); // tool calling is already in the pipeline
        }

        tracing.ForceFlush();
        var span = Assert.Single(spans, s => s.DisplayName.StartsWith("chat ", StringComparison.Ordinal)); // beside the tool loop's own span
        Assert.Equal(response.Usage!.OutputTokenCount, (long?)(int?)span.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.False(string.IsNullOrEmpty(response.Text));
    }

    [Fact]
    public async Task TheContainerDisposesTheEngineItLoaded()
    {
        var services = new ServiceCollection();
        services.AddTokenSkipChatClient(modelPath: model.Folder);
        Core.Engine.IGenerationEngine engine;
        await using (var provider = services.BuildServiceProvider())
        {
            var client = provider.GetRequiredService<IChatClient>();
            await client.GetResponseAsync(Requests.Question, new ChatOptions { MaxOutputTokens = 2 });
            engine = client.GetService<TokenSkipChatClient>()!.Engine;
        }

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var _ in engine.GenerateAsync(new Core.Engine.GenerationRequest { PromptIds = [1, 2] }))
            {
            }
        });
    }
}
