using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TokenSkip.Core.Calibration;
using TokenSkip.Core.Prompts;
using Xunit;

namespace TokenSkip.SemanticKernel.Tests;

/// <summary>
/// Tools through the in-process client: offered in the family's native format when the card says the model calls tools,
/// parsed from its output into <see cref="FunctionCallContent"/> (streaming included), run by the pipeline's function
/// invocation, and the result rendered back natively; a model that does not call tools is never handed them.
/// </summary>
public sealed class NativeToolCallingTests
{
    private const string Call = "<tool_call>\n{\"name\": \"math_add\", \"arguments\": {\"a\": 2, \"b\": 3}}\n</tool_call>";
    private static readonly AIFunction Add = AIFunctionFactory.Create((int a, int b) => a + b, "math_add", "Adds two integers.");

    [Fact]
    public async Task ACallInTheOutputBecomesAFunctionCallWithNoHalfCallTextInTheStreamAsync()
    {
        var engine = new ScriptedEngine(ModelFamily.Qwen2, "Let me add.", "<tool", "_call>\n{\"name\": \"math_add\", ", "\"arguments\": {\"a\": 2, \"b\": 3}}\n</tool_call>");
        var client = new TokenSkipChatClient(engine);

        var updates = await client.GetStreamingResponseAsync("What is 2 + 3?", new ChatOptions { Tools = [Add] }).ToListAsync();

        var text = string.Concat(updates.SelectMany(u => u.Contents).OfType<TextContent>().Select(t => t.Text));
        Assert.Equal("Let me add.", text);
        var call = Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal("math_add", call.Name);
        Assert.Equal("2", call.Arguments!["a"]!.ToString());
        Assert.Contains(updates, u => u.FinishReason == ChatFinishReason.ToolCalls);
        var prompt = engine.LastRequest.PromptText!;
        Assert.StartsWith("<|im_start|>system\nYou are a helpful assistant.\n\n# Tools\n\nYou may call one or more functions", prompt);
        Assert.Contains("{\"type\": \"function\", \"function\": {\"name\": \"math_add\", \"description\": \"Adds two integers.\"", prompt);
    }

    [Fact]
    public async Task ThePipelineRunsTheFunctionAndRendersItsResultBackNativelyAsync()
    {
        var turn = 0;
        var engine = new ScriptedEngine(ModelFamily.Qwen2) { Script = _ => turn++ == 0 ? [Call] : ["5\n\nThe final answer is: $\\boxed{5}$"] };
        var services = new ServiceCollection();
        services.AddTokenSkipChatClient(engine);
        await using var provider = services.BuildServiceProvider();

        var response = await provider.GetRequiredService<IChatClient>().GetResponseAsync("What is 2 + 3?", new ChatOptions { Tools = [Add] });

        Assert.Equal(2, engine.Requests.Count);
        var second = engine.Requests[1].PromptText!;
        Assert.Contains("<|im_start|>assistant\n<tool_call>\n{\"name\": \"math_add\", \"arguments\": {\"a\": 2, \"b\": 3}}\n</tool_call><|im_end|>\n", second);
        Assert.Contains("<|im_start|>user\n<tool_response>\n5\n</tool_response><|im_end|>\n<|im_start|>assistant\n", second);
        Assert.Contains("\\boxed{5}", response.Text);
    }

    [Fact]
    public async Task AModelWhoseCardSaysItDoesNotCallToolsIsNotHandedThemAndTheResponseSaysSoAsync()
    {
        var engine = new ScriptedEngine(ModelFamily.Qwen2, "5");
        var client = new TokenSkipChatClient(engine, new TokenSkipChatClientOptions { ModelCard = new ModelCard { CallsTools = false } });

        var response = await client.GetResponseAsync("What is 2 + 3?", new ChatOptions { Tools = [Add] });
        var withoutTools = engine.LastRequest.PromptText;
        await client.GetResponseAsync("What is 2 + 3?");

        Assert.Equal(engine.LastRequest.PromptText, withoutTools); // the very prompt it gets without tools
        Assert.Equal(false, response.AdditionalProperties![TokenSkipOptionKeys.ToolsOffered]);
    }

    [Fact]
    public async Task ToolChoiceNoneOffersNothingAndANamedChoiceOffersOnlyThatFunctionAsync()
    {
        var engine = new ScriptedEngine(ModelFamily.Qwen2, "ok");
        var client = new TokenSkipChatClient(engine);
        var other = AIFunctionFactory.Create((int a) => a, "echo", "Echoes.");

        await client.GetResponseAsync("Q?", new ChatOptions { Tools = [Add, other], ToolMode = ChatToolMode.None });
        var none = engine.LastRequest.PromptText!;
        await client.GetResponseAsync("Q?", new ChatOptions { Tools = [Add, other], ToolMode = ChatToolMode.RequireSpecific("echo") });
        var named = engine.LastRequest.PromptText!;

        Assert.DoesNotContain("# Tools", none);
        Assert.Contains("\"name\": \"echo\"", named);
        Assert.DoesNotContain("math_add", named);
    }

    [Fact]
    public async Task ANamedToolChoicePrefillsACallOfThatFunctionAndItsArgumentsComeBackAsTheCallAsync()
    {
        var engine = new ScriptedEngine(ModelFamily.Qwen2, "{\"a\": 2, ", "\"b\": 3}}\n</tool_call>");
        var client = new TokenSkipChatClient(engine);

        var response = await client.GetResponseAsync("What is 2 + 3?", new ChatOptions { Tools = [Add], ToolMode = ChatToolMode.RequireSpecific("math_add") });

        Assert.EndsWith("<|im_start|>assistant\n<tool_call>\n{\"name\": \"math_add\", \"arguments\": ", engine.LastRequest.PromptText);
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("math_add", call.Name);
        Assert.Equal("3", call.Arguments!["b"]!.ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Empty(response.Text);
    }

    [Theory]
    [InlineData(ModelFamily.Qwen2, "<|im_start|>assistant\n<tool_call>\n", "{\"name\": \"math_add\", \"arguments\": {\"a\": 1, \"b\": 1}}\n</tool_call>")]
    [InlineData(ModelFamily.Llama3, "<|start_header_id|>assistant<|end_header_id|>\n\n{\"name\": \"", "math_add\", \"parameters\": {\"a\": 1, \"b\": 1}}")]
    public async Task RequireAnyPrefillsTheOpeningOfACallAndTheStreamCarriesOnlyTheCallAsync(ModelFamily family, string promptEnd, string output)
    {
        var engine = new ScriptedEngine(family, output[..7], output[7..]);
        var client = new TokenSkipChatClient(engine);

        var updates = await client.GetStreamingResponseAsync("What is 1 + 1?", new ChatOptions { Tools = [Add], ToolMode = ChatToolMode.RequireAny }).ToListAsync();

        Assert.EndsWith(promptEnd, engine.LastRequest.PromptText);
        Assert.Empty(updates.SelectMany(u => u.Contents).OfType<TextContent>());
        var call = Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal("math_add", call.Name);
        Assert.Equal("1", call.Arguments!["a"]!.ToString());
        Assert.Contains(updates, u => u.FinishReason == ChatFinishReason.ToolCalls);
    }

    [Fact]
    public async Task AutoAndNoneDoNotPrefillAndAModelThatDoesNotCallToolsIsNotForcedToAsync()
    {
        var engine = new ScriptedEngine(ModelFamily.Qwen2, "5");
        var plain = new TokenSkipChatClient(engine);
        var noTools = new TokenSkipChatClient(engine, new TokenSkipChatClientOptions { ModelCard = new ModelCard { CallsTools = false } });

        await plain.GetResponseAsync("Q?", new ChatOptions { Tools = [Add], ToolMode = ChatToolMode.Auto });
        Assert.EndsWith("<|im_start|>assistant\n", engine.LastRequest.PromptText);
        var response = await noTools.GetResponseAsync("Q?", new ChatOptions { Tools = [Add], ToolMode = ChatToolMode.RequireAny });
        Assert.EndsWith("<|im_start|>assistant\n", engine.LastRequest.PromptText);
        Assert.Equal("5", response.Text);
    }

    [Fact]
    public async Task ToolsWithheldFromAModelThatDoesNotCallThemAreLoggedAsAWarningThroughTheContainersLoggerAsync()
    {
        var engine = new ScriptedEngine(ModelFamily.Qwen2, "5");
        var logs = new FakeLogCollector();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(new FakeLoggerProvider(logs)));
        services.AddTokenSkipChatClient(engine, new TokenSkipChatClientOptions { ModelCard = new ModelCard { CallsTools = false } });
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IChatClient>();

        await client.GetResponseAsync("Q?");
        Assert.Equal(0, logs.Count);
        await client.GetResponseAsync("Q?", new ChatOptions { Tools = [Add] });

        var warning = Assert.Single(logs.GetSnapshot());
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal("1 tools were not offered to scripted: its card says it does not call tools (calls_tools: false); the response says tools_offered: false", warning.Message);
    }
}
