using System.Text.Json;
using Microsoft.Extensions.AI;
using TokenSkip.Core.Prompts;
using Xunit;

namespace TokenSkip.SemanticKernel.Tests;

public sealed class PromptToolCallingChatClientTests
{
    private static readonly AIFunction Add = AIFunctionFactory.Create((int a, int b) => a + b, "math_add", "Adds two integers.");

    [Fact]
    public async Task ShouldTurnATaggedReplyIntoAFunctionCallAsync()
    {
        var engine = new ScriptedEngine(ModelFamily.Qwen2, "Let me add. ", "<tool_call>", "\n{\"name\": \"math_add\", ", "\"arguments\": {\"a\": 2, \"b\": 3}}\n", "</tool_call>");
        var client = new PromptToolCallingChatClient(new TokenSkipChatClient(engine));

        var response = await client.GetResponseAsync("What is 2 + 3?", new ChatOptions { Tools = [Add] });

        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("math_add", call.Name);
        Assert.Equal(2, ((JsonElement)call.Arguments!["a"]!).GetInt32());
        Assert.Equal(3, ((JsonElement)call.Arguments["b"]!).GetInt32());
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal("Let me add.", response.Text.Trim());
    }

    [Fact]
    public async Task ShouldDescribeToolsInTheSystemTurnAndStopAtTheClosingTagAsync()
    {
        var engine = new ScriptedEngine(ModelFamily.Qwen2, "5");
        var client = new PromptToolCallingChatClient(new TokenSkipChatClient(engine));

        await client.GetResponseAsync("What is 2 + 3?", new ChatOptions { Tools = [Add], ToolMode = ChatToolMode.RequireAny });

        var prompt = engine.LastRequest.PromptText!;
        Assert.StartsWith("<|im_start|>system\nYou are a helpful assistant.\n\n# Tools", prompt); // after TokenSkip's system prompt
        Assert.Contains("\"name\":\"math_add\",\"description\":\"Adds two integers.\"", prompt);
        Assert.Contains("You must call a function now.", prompt);
        Assert.Contains("</tool_call>", engine.LastRequest.Options.StopStrings);
    }

    [Fact]
    public async Task ShouldWriteEarlierCallsAndResultsBackAsTextAsync()
    {
        var engine = new ScriptedEngine(ModelFamily.Qwen2, "The answer is 5.");
        var client = new PromptToolCallingChatClient(new TokenSkipChatClient(engine));
        List<ChatMessage> history =
        [
            new(ChatRole.User, "What is 2 + 3?"),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "math_add", new Dictionary<string, object?> { ["a"] = 2, ["b"] = 3 })]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", 5)]),
        ];

        var response = await client.GetResponseAsync(history, new ChatOptions { Tools = [Add] });

        var prompt = engine.LastRequest.PromptText!;
        Assert.Contains("<|im_start|>assistant\n<tool_call>\n{\"name\":\"math_add\",\"arguments\":{\"a\":2,\"b\":3}}\n</tool_call><|im_end|>", prompt);
        Assert.Contains("<|im_start|>user\n<tool_response>\n5\n</tool_response><|im_end|>", prompt);
        Assert.Equal("The answer is 5.", response.Text);
        Assert.Empty(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
    }

    [Fact]
    public async Task ShouldLeaveAnUnparseableCallAsTextAsync()
    {
        var engine = new ScriptedEngine(ModelFamily.Qwen2, "<tool_call>", "{not json");
        var client = new PromptToolCallingChatClient(new TokenSkipChatClient(engine));

        var response = await client.GetResponseAsync("Q?", new ChatOptions { Tools = [Add] });

        Assert.Equal("<tool_call>{not json", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task ShouldPassThroughWithoutToolsAsync()
    {
        var engine = new ScriptedEngine(ModelFamily.Qwen2, "<tool_call>", "x");
        var client = new PromptToolCallingChatClient(new TokenSkipChatClient(engine));

        var response = await client.GetResponseAsync("Q?");

        Assert.Equal("<tool_call>x", response.Text);
        Assert.DoesNotContain("# Tools", engine.LastRequest.PromptText);
    }

    [Fact]
    public async Task ShouldDriveFunctionInvocationEndToEndAsync()
    {
        var engine = new ScriptedEngine(ModelFamily.Qwen2)
        {
            Script = request => request.PromptText!.Contains("<tool_response>", StringComparison.Ordinal)
                ? ["The ", "sum ", "is ", "5."]
                : ["<tool_call>", "{\"name\": \"math_add\", \"arguments\": {\"a\": 2, \"b\": 3}}", "</tool_call>"],
        };
        var client = new TokenSkipChatClient(engine).AsBuilder().UseFunctionInvocation().UsePromptToolCalling().Build();

        var response = await client.GetResponseAsync("What is 2 + 3?", new ChatOptions { Tools = [Add] });

        Assert.Equal("The sum is 5.", response.Messages[^1].Text);
        Assert.Equal(2, engine.Requests.Count);
    }
}
