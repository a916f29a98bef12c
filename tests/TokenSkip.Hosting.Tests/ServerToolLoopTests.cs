using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using OpenAI;
using TokenSkip.Core.Prompts;
using TokenSkip.SemanticKernel;
using Xunit;

namespace TokenSkip.Hosting.Tests;

/// <summary>
/// Tools through <c>tokenskip serve</c> end to end, over a model whose card says it calls tools and whose tokens are
/// scripted: Semantic Kernel's own OpenAI connector with <c>FunctionChoiceBehavior.Auto()</c> runs its tool loop (the
/// kernel function is invoked, its result reaches the model's next prompt inside <c>&lt;tool_response&gt;</c>), and
/// <c>tool_choice</c> <c>required</c> or a named function prefills the opening of a call, which comes back as <c>tool_calls</c>.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ServerToolLoopTests(ToolModelFixture model) : IClassFixture<ToolModelFixture>
{
    private const string Call = "<tool_call>\n{\"name\": \"math-add\", \"arguments\": {\"a\": 2, \"b\": 3}}\n</tool_call>";
    private const string Answer = "2 + 3 = 5.\n\nThe final answer is: $\\boxed{5}$";

    public static TheoryData<bool> Streaming() => [false, true];

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task SemanticKernelsOpenAIConnectorRunsAKernelFunctionThroughTheServerAndTheResultReachesTheModel(bool streaming)
    {
        var script = new ScriptedTurns(Call, Answer);
        await using var server = await StartAsync(script);
        var calls = new List<(int A, int B)>();
        var kernel = Kernel(server, calls);
        var settings = new OpenAIPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(), MaxTokens = 200 };
        var history = new ChatHistory();
        history.AddUserMessage("What is 2 + 3?");
        var chat = kernel.GetRequiredService<IChatCompletionService>();

        var reply = streaming
            ? string.Concat(await chat.GetStreamingChatMessageContentsAsync(history, settings, kernel).Select(c => c.Content).ToListAsync())
            : (await chat.GetChatMessageContentAsync(history, settings, kernel)).Content;

        Assert.Equal([(2, 3)], calls);
        Assert.Equal(2, script.Prompts.Count);
        Assert.Contains("\"name\": \"math-add\"", script.Prompts[0]); // the tool was offered in the native template
        var second = script.Prompts[1];
        Assert.Contains("<|im_start|>assistant\n<tool_call>\n{\"name\": \"math-add\", \"arguments\": {\"a\": 2, \"b\": 3}}\n</tool_call><|im_end|>\n", second);
        Assert.Contains("<|im_start|>user\n<tool_response>\n5\n</tool_response><|im_end|>\n<|im_start|>assistant\n", second);
        Assert.Equal(Answer, reply);
    }

    [Fact]
    public async Task TheRemoteConnectorRunsAToolLoopOverTheCompletionsEndpointRenderingToolsItself()
    {
        var script = new ScriptedTurns(Call.Replace("math-add", "math_add", StringComparison.Ordinal), Answer);
        await using var server = await StartAsync(script);
        var services = new ServiceCollection();
        services.AddTokenSkipChatClient(server.ApiRoot, model.ModelId, ModelFamily.Qwen2, httpClient: server.Client);
        await using var provider = services.BuildServiceProvider();
        var calls = new List<(int A, int B)>();
        var add = AIFunctionFactory.Create((int a, int b) =>
        {
            calls.Add((a, b));
            return a + b;
        }, "math_add", "Adds two integers.");

        var response = await provider.GetRequiredService<IChatClient>().GetResponseAsync("What is 2 + 3?", new ChatOptions { Tools = [add] });

        Assert.Equal([(2, 3)], calls);
        Assert.Contains("\"name\": \"math_add\"", script.Prompts[0]);
        Assert.Contains("<|im_start|>user\n<tool_response>\n5\n</tool_response><|im_end|>\n<|im_start|>assistant\n", script.Prompts[1]);
        Assert.Equal(Answer, response.Text);
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task ANamedToolChoicePrefillsACallOfThatFunctionAndTheModelsArgumentsComeBackAsToolCalls(bool streaming)
    {
        var script = new ScriptedTurns("{\"a\": 2, \"b\": 3}}\n</tool_call>");
        await using var server = await StartAsync(script);
        var body = Request(streaming);
        body["tool_choice"] = new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = "math_add" } };

        var (calls, finish) = await SendAsync(server, body, streaming);

        Assert.EndsWith("<|im_start|>assistant\n<tool_call>\n{\"name\": \"math_add\", \"arguments\": ", script.Prompts[0]);
        var call = Assert.Single(calls);
        Assert.Equal("math_add", (string?)call["function"]!["name"]);
        Assert.Equal(3, (int)JsonNode.Parse((string)call["function"]!["arguments"]!)!["b"]!);
        Assert.Equal("tool_calls", finish);
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task RequiredPrefillsTheOpeningOfACallAndNoneOffersNoTools(bool streaming)
    {
        var script = new ScriptedTurns("{\"name\": \"math_add\", \"arguments\": {\"a\": 1, \"b\": 1}}\n</tool_call>", "2");
        await using var server = await StartAsync(script);
        var required = Request(streaming);
        required["tool_choice"] = "required";
        var none = Request(streaming);
        none["tool_choice"] = "none";

        var (calls, finish) = await SendAsync(server, required, streaming);
        var (noCalls, stop) = await SendAsync(server, none, streaming);

        Assert.EndsWith("<|im_start|>assistant\n<tool_call>\n", script.Prompts[0]);
        Assert.Equal("math_add", (string?)Assert.Single(calls)["function"]!["name"]);
        Assert.Equal("tool_calls", finish);
        Assert.DoesNotContain("math_add", script.Prompts[1]);
        Assert.DoesNotContain("# Tools", script.Prompts[1]);
        Assert.EndsWith("<|im_start|>assistant\n", script.Prompts[1]);
        Assert.Empty(noCalls);
        Assert.Equal("stop", stop);
    }

    private async Task<RunningServer> StartAsync(ScriptedTurns script)
    {
        var server = await RunningServer.StartAsync(model.Folder, o => o.ContextTokens = 4096);
        server.Worker.ScriptedGeneration = script;
        return server;
    }

    private static Kernel Kernel(RunningServer server, List<(int A, int B)> calls)
    {
        var builder = Microsoft.SemanticKernel.Kernel.CreateBuilder();
        builder.AddOpenAIChatCompletion(server.Worker.Model!.ModelId, new OpenAIClient(new ApiKeyCredential("unused"),
            new OpenAIClientOptions { Endpoint = server.ApiRoot, Transport = new HttpClientPipelineTransport(server.Client) }));
        var add = KernelFunctionFactory.CreateFromMethod((int a, int b) =>
        {
            calls.Add((a, b));
            return a + b;
        }, "add", "Adds two integers.");
        builder.Plugins.AddFromFunctions("math", [add]);
        return builder.Build();
    }

    private static JsonObject Request(bool streaming) => new()
    {
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "What is 2 + 3?" }),
        ["max_tokens"] = 100,
        ["stream"] = streaming,
        ["tools"] = new JsonArray(new JsonObject
        {
            ["type"] = "function",
            ["function"] = new JsonObject
            {
                ["name"] = "math_add", ["description"] = "Adds two integers.",
                ["parameters"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["a"] = new JsonObject { ["type"] = "integer" } } },
            },
        }),
    };

    // The tool calls and finish reason of a response, whole or gathered from its stream's deltas.
    private static async Task<(IReadOnlyList<JsonNode> Calls, string? Finish)> SendAsync(RunningServer server, JsonObject body, bool streaming)
    {
        using var response = await server.PostAsync("v1/chat/completions", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        if (!streaming)
        {
            var choice = JsonNode.Parse(text)!["choices"]![0]!;
            return ([.. choice["message"]!["tool_calls"]?.AsArray().Select(c => c!) ?? []], (string?)choice["finish_reason"]);
        }

        var choices = text.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal))
            .Select(l => JsonNode.Parse(l[6..])!["choices"]!.AsArray()).Where(c => c.Count > 0).Select(c => c[0]!).ToList();
        var calls = choices.SelectMany(c => c["delta"]!["tool_calls"]?.AsArray().Select(d => d!) ?? []).ToList();
        return (calls, choices.Select(c => (string?)c["finish_reason"]).LastOrDefault(f => f is not null));
    }
}
