using TokenSkip.Core.Prompts;
using TokenSkip.Core.Tools;
using Xunit;

namespace TokenSkip.Core.Tests.Tools;

public sealed class ToolCallStreamFilterTests
{
    private const string QwenOutput =
        "Let me check.\n<tool_call>\n{\"name\": \"f\", \"arguments\": {\"x\": \"<tool_call>?\"}}\n</tool_call>\n" +
        "<tool_call>\nnot json\n</tool_call>\nAnd <tool or < b.\n<tool_call>\n{\"name\": \"g\", \"arguments\": {}}\n</tool_call>\n";

    [Fact]
    public void HoldsBackWhatCouldStartATag()
    {
        var filter = new ToolCallStreamFilter(ModelFamily.Qwen2);

        Assert.Equal([ToolCallStreamItem.ForText("Hi")], filter.Push("Hi\n<to"));
        Assert.Empty(filter.Push("ol_c"));
        Assert.Empty(filter.Push("all>\n{\"name\": \"f\", \"argu"));
        Assert.Empty(filter.Push("ments\": {}}\n</tool_"));
        Assert.Equal([ToolCallStreamItem.ForCall(new ParsedToolCall("f", "{}"))], filter.Push("call>"));
        Assert.Empty(filter.Complete());
    }

    [Fact]
    public void ReleasesAHeldPrefixOnceItCannotBeATag()
    {
        var filter = new ToolCallStreamFilter(ModelFamily.Qwen2);

        Assert.Equal([ToolCallStreamItem.ForText("x")], filter.Push("x <tool"));
        Assert.Equal([ToolCallStreamItem.ForText(" <tools> y")], filter.Push("s> y"));
        Assert.Empty(filter.Complete());
    }

    [Fact]
    public void ReleasesTextAndCallsInOrderWithinOneDelta()
    {
        var filter = new ToolCallStreamFilter(ModelFamily.Qwen2);

        var items = filter.Push("A<tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call>B");

        Assert.Equal([ToolCallStreamItem.ForText("A"), ToolCallStreamItem.ForCall(new ParsedToolCall("f", "{}")), ToolCallStreamItem.ForText("B")], items);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(1000)]
    public void AnyCutOfTheQwenOutputGivesWhatTheParserGives(int size)
    {
        var expected = ToolCallParser.Parse(ModelFamily.Qwen2, QwenOutput);

        var (text, calls) = Stream(ModelFamily.Qwen2, QwenOutput, size);

        Assert.Equal("Let me check.\n<tool_call>\nnot json\n</tool_call>\nAnd <tool or < b.", expected.Text);
        Assert.Equal([new ParsedToolCall("f", "{\"x\": \"<tool_call>?\"}"), new ParsedToolCall("g", "{}")], expected.Calls);
        Assert.Equal(expected.Text, text);
        Assert.Equal(expected.Calls, calls);
    }

    [Fact]
    public void NoTextEverHoldsPartOfACall()
    {
        var filter = new ToolCallStreamFilter(ModelFamily.Qwen2);
        var released = new List<string>();
        foreach (var c in QwenOutput)
        {
            released.AddRange(filter.Push(c.ToString()).Where(i => i.Text is not null).Select(i => i.Text!));
        }

        released.AddRange(filter.Complete().Where(i => i.Text is not null).Select(i => i.Text!));
        Assert.DoesNotContain(released, t => t.Contains("\"name\": \"f\"", StringComparison.Ordinal) || t.Contains("\"name\": \"g\"", StringComparison.Ordinal));
    }

    [Fact]
    public void LlamaTextIsReleasedAtOnceAndJsonIsHeldToTheEnd()
    {
        var text = new ToolCallStreamFilter(ModelFamily.Llama3);
        Assert.Empty(text.Push(" "));
        Assert.Equal([ToolCallStreamItem.ForText(" The")], text.Push("The"));
        Assert.Equal([ToolCallStreamItem.ForText(" answer {")], text.Push(" answer {"));

        var call = new ToolCallStreamFilter(ModelFamily.Llama3);
        Assert.Empty(call.Push("<|python"));
        Assert.Empty(call.Push("_tag|>{\"name\": \"f\", "));
        Assert.Empty(call.Push("\"parameters\": {\"a\": 1}}"));
        Assert.Equal([ToolCallStreamItem.ForCall(new ParsedToolCall("f", "{\"a\": 1}"))], call.Complete());

        var json = new ToolCallStreamFilter(ModelFamily.Llama3);
        Assert.Empty(json.Push("{\"answer\": 5}"));
        Assert.Equal([ToolCallStreamItem.ForText("{\"answer\": 5}")], json.Complete());
    }

    [Fact]
    public void PushAfterCompleteIsRefused()
    {
        var filter = new ToolCallStreamFilter(ModelFamily.Qwen2);
        filter.Complete();

        Assert.Throws<InvalidOperationException>(() => filter.Push("x"));
        Assert.Empty(filter.Complete());
    }

    private static (string Text, List<ParsedToolCall> Calls) Stream(ModelFamily family, string output, int size)
    {
        var filter = new ToolCallStreamFilter(family);
        var items = new List<ToolCallStreamItem>();
        for (var i = 0; i < output.Length; i += size)
        {
            items.AddRange(filter.Push(output.Substring(i, Math.Min(size, output.Length - i))));
        }

        items.AddRange(filter.Complete());
        return (string.Concat(items.Select(i => i.Text)), [.. items.Where(i => i.Call is not null).Select(i => i.Call!)]);
    }
}
