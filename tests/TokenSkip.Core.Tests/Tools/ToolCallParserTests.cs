using TokenSkip.Core.Prompts;
using TokenSkip.Core.Text;
using TokenSkip.Core.Tools;
using Xunit;

namespace TokenSkip.Core.Tests.Tools;

public sealed class ToolCallParserTests
{
    [Fact]
    public void ReadsSeveralQwenCallsAndTheTextBeforeThem()
    {
        var output = "Let me check both.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Zürich\"}}\n</tool_call>\n" +
                     "<tool_call>\n{\"name\":\"get_weather\",\"arguments\":{\"city\":\"東京\",\"days\":2}}\n</tool_call>";

        var result = ToolCallParser.Parse(ModelFamily.Qwen2, output);

        Assert.Equal("Let me check both.", result.Text);
        Assert.Equal(
            [new ParsedToolCall("get_weather", "{\"city\": \"Zürich\"}"), new ParsedToolCall("get_weather", "{\"city\": \"東京\", \"days\": 2}")],
            result.Calls);
    }

    [Fact]
    public void KeepsAMalformedQwenCallAsTextVerbatim()
    {
        var output = "A\n<tool_call>\n{\"name\": \"f\", \"arguments\": {\"x\": }\n</tool_call>\n<tool_call>\n{\"name\": \"g\", \"arguments\": {}}\n</tool_call>";

        var result = ToolCallParser.Parse(ModelFamily.Qwen2, output);

        Assert.Equal("A\n<tool_call>\n{\"name\": \"f\", \"arguments\": {\"x\": }\n</tool_call>", result.Text);
        Assert.Equal([new ParsedToolCall("g", "{}")], result.Calls);
    }

    [Theory]
    [InlineData("<tool_call>\n{\"name\": \"f\"}\n</tool_call>")]
    [InlineData("<tool_call>\n{\"name\": \"f\", \"arguments\": \"{}\"}\n</tool_call>")]
    [InlineData("<tool_call>\n[1, 2]\n</tool_call>")]
    [InlineData("<tool_call>\n{\"name\": \"\", \"arguments\": {}}\n</tool_call>")]
    public void AQwenBlockThatIsNotACallStaysText(string output)
    {
        var result = ToolCallParser.Parse(ModelFamily.Qwen2, output);

        Assert.Equal(output, result.Text);
        Assert.Empty(result.Calls);
    }

    [Fact]
    public void AcceptsAnUnclosedQwenCallAtTheEnd()
    {
        var result = ToolCallParser.Parse(ModelFamily.Qwen2, "<tool_call>\n{\"name\": \"f\", \"arguments\": {\"a\": 1.50}}\n");

        Assert.Equal("", result.Text);
        Assert.Equal([new ParsedToolCall("f", "{\"a\": 1.5}")], result.Calls);
    }

    [Fact]
    public void KeepsAnUnclosedMalformedQwenCallAsText()
    {
        var result = ToolCallParser.Parse(ModelFamily.Qwen2, "Hi\n<tool_call>\n{\"name\": \"f\", \"argu");

        Assert.Equal("Hi\n<tool_call>\n{\"name\": \"f\", \"argu", result.Text);
        Assert.Empty(result.Calls);
    }

    [Fact]
    public void KeepsTextAfterACallButNotTheSeparatingWhitespace()
    {
        var result = ToolCallParser.Parse(ModelFamily.Qwen2, "<tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n</tool_call>\nDone.\n");

        Assert.Equal("\nDone.\n", result.Text);
        Assert.Single(result.Calls);
        Assert.Equal("", ToolCallParser.Parse(ModelFamily.Qwen2, "<tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call>\n").Text);
    }

    [Theory]
    [InlineData("Plain answer.\n")]
    [InlineData("a < b and <tool> is not a tag")]
    [InlineData("")]
    public void QwenOutputWithoutCallsIsUnchanged(string output)
    {
        var result = ToolCallParser.Parse(ModelFamily.Qwen2, output);

        Assert.Equal(output, result.Text);
        Assert.Empty(result.Calls);
    }

    [Fact]
    public void RoundTripsThroughTheQwenTemplate()
    {
        var output = "Checking.\n<tool_call>\n{\"name\": \"f\", \"arguments\": {\"q\": \"東京\\n\", \"n\": 2}}\n</tool_call>";
        var parsed = ToolCallParser.Parse(ModelFamily.Qwen2, output);
        var message = new PromptMessage(PromptMessage.AssistantRole, parsed.Text)
        {
            ToolCalls = [.. parsed.Calls.Select(c => new PromptToolCall(null, c.Name, c.ArgumentsJson))],
        };

        var rendered = new QwenChatTemplate().Render([new PromptMessage("system", "S"), message], false);

        Assert.EndsWith("<|im_start|>assistant\n" + output + "<|im_end|>\n", MessageContent.Unmark(rendered), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Zürich\"}}")]
    [InlineData("  <|python_tag|>{\"name\": \"get_weather\", \"parameters\": {\"city\":\"Zürich\"}}\n")]
    [InlineData("{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Zürich\"}}")]
    public void ReadsALlamaCall(string output)
    {
        var result = ToolCallParser.Parse(ModelFamily.Llama3, output);

        Assert.Equal("", result.Text);
        Assert.Equal([new ParsedToolCall("get_weather", "{\"city\": \"Zürich\"}")], result.Calls);
    }

    [Fact]
    public void ReadsSeveralLlamaCallsSeparatedBySemicolons()
    {
        var result = ToolCallParser.Parse(ModelFamily.Llama3, "{\"name\": \"a\", \"parameters\": {}}; {\"name\": \"b\", \"parameters\": {\"x\": [1]}}");

        Assert.Equal([new ParsedToolCall("a", "{}"), new ParsedToolCall("b", "{\"x\": [1]}")], result.Calls);
    }

    [Theory]
    [InlineData("The answer is 5.")]
    [InlineData("{\"answer\": 5}")]
    [InlineData("{\"name\": \"a\", \"parameters\": {}} and some text")]
    [InlineData("{\"name\": \"a\", \"parameters\": {")]
    [InlineData("Call: {\"name\": \"a\", \"parameters\": {}}")]
    public void LlamaOutputThatIsNotOnlyCallsIsText(string output)
    {
        var result = ToolCallParser.Parse(ModelFamily.Llama3, output);

        Assert.Equal(output, result.Text);
        Assert.Empty(result.Calls);
    }
}
