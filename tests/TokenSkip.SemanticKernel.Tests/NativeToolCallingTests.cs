using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
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
}
