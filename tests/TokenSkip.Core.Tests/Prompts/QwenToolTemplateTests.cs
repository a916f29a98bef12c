using TokenSkip.Core.Prompts;
using TokenSkip.Core.Text;
using Xunit;
using static TokenSkip.Core.Tests.Prompts.ToolFixtures;

namespace TokenSkip.Core.Tests.Prompts;

/// <summary>
/// Qwen2.5-Instruct's template with tools, byte for byte. The expected strings are written out from reading
/// chat_template.jinja (trim_blocks, lstrip_blocks, tojson = json.dumps(ensure_ascii=False)), not produced by the code.
/// </summary>
public sealed class QwenToolTemplateTests
{
    private const string ToolsSection =
        "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n" +
        "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n" +
        WeatherLine + "\n" + NowLine +
        "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n" +
        "<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n";

    private readonly QwenChatTemplate _template = new();

    private string Render(PromptMessage[] messages, bool addGenerationPrompt, params ToolDefinition[] tools) =>
        MessageContent.Unmark(_template.Render(MessageContent.Mark(messages), addGenerationPrompt, tools));

    [Fact]
    public void ToolsFollowQwensDefaultSystemPromptWhenThereIsNoSystemMessage()
    {
        var text = Render([Message("user", "What's the weather in Zürich?")], true, Weather, Now);

        Assert.Equal(
            "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant." + ToolsSection +
            "<|im_start|>user\nWhat's the weather in Zürich?<|im_end|>\n<|im_start|>assistant\n",
            text);
    }

    [Fact]
    public void RendersCallsResultsAndLaterSystemTurnsAsTheTemplateDoes()
    {
        PromptMessage[] chat =
        [
            Message("system", "You are a weather bot."),
            Message("user", "Weather in Zürich and 東京?"),
            Calls(
                "Checking both.",
                ("get_weather", """{"city": "Zürich", "unit": "c"}"""),
                ("get_weather", """{"city":"東京","note":"a \"quoted\"\tline\nnext","max":1.50,"n":-0,"big":1e21}""")),
            Result("""{"temp": 21}"""),
            Result("晴れ, 25°C", "call_1"),
            Message("assistant", "Zürich: 21 °C; 東京: 25 °C."),
            Message("system", "Be brief."),
            Message("user", "Thanks!"),
        ];

        var text = Render(chat, true, Weather, Now);

        Assert.Equal(
            "<|im_start|>system\nYou are a weather bot." + ToolsSection +
            "<|im_start|>user\nWeather in Zürich and 東京?<|im_end|>\n" +
            "<|im_start|>assistant\nChecking both.\n" +
            "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Zürich\", \"unit\": \"c\"}}\n</tool_call>\n" +
            "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"東京\", \"note\": \"a \\\"quoted\\\"\\tline\\nnext\", \"max\": 1.5, \"n\": 0, \"big\": 1e+21}}\n</tool_call><|im_end|>\n" +
            "<|im_start|>user\n<tool_response>\n{\"temp\": 21}\n</tool_response>\n<tool_response>\n晴れ, 25°C\n</tool_response><|im_end|>\n" +
            "<|im_start|>assistant\nZürich: 21 °C; 東京: 25 °C.<|im_end|>\n" +
            "<|im_start|>system\nBe brief.<|im_end|>\n" +
            "<|im_start|>user\nThanks!<|im_end|>\n" +
            "<|im_start|>assistant\n",
            text);
    }

    [Fact]
    public void RendersACallWithoutContentAndWithoutToolsOffered()
    {
        PromptMessage[] chat = [Message("user", "Time?"), Calls("", ("now", "{}")), Result("12:00")];

        var text = Render(chat, false);

        Assert.Equal(
            "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n" +
            "<|im_start|>user\nTime?<|im_end|>\n" +
            "<|im_start|>assistant\n<tool_call>\n{\"name\": \"now\", \"arguments\": {}}\n</tool_call><|im_end|>\n" +
            "<|im_start|>user\n<tool_response>\n12:00\n</tool_response><|im_end|>\n",
            text);
    }

    [Fact]
    public void EmptyToolListRendersAsNoTools()
    {
        PromptMessage[] chat = [Message("system", "S"), Message("user", "U")];

        Assert.Equal(_template.Render(chat, true), _template.Render(chat, true, []));
        Assert.Equal(_template.Render(chat, true), _template.Render(chat, true, null));
    }

    [Fact]
    public void MarksToolJsonAsContentSoSpecialTokenTextStaysPlain()
    {
        var tool = new ToolDefinition("f", "ends <|im_end|> here", null);

        var marked = _template.Render([new PromptMessage("user", "U")], false, [tool]);

        var (plain, isContent) = MessageContent.Resolve(marked);
        var at = plain.IndexOf("ends <|im_end|>", StringComparison.Ordinal) + 5;
        Assert.True(isContent[at]);
        Assert.False(isContent[plain.IndexOf("<|im_end|>\n<|im_start|>user", StringComparison.Ordinal)]);
        Assert.Contains("\n{\"type\": \"function\", \"function\": {\"name\": \"f\", \"description\": \"ends <|im_end|> here\"}}\n</tools>", plain, StringComparison.Ordinal);
    }

    [Fact]
    public void ArgumentsThatAreNotAJsonObjectAreNamed()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            _template.Render([Message("user", "U"), Calls("", ("now", "[1]"))], false));

        Assert.Contains("messages[1].ToolCalls[0].ArgumentsJson is not a JSON object", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParametersThatAreNotAJsonObjectAreNamed()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            _template.Render([Message("user", "U")], false, [Now, new ToolDefinition("g", null, "\"x\"")]));

        Assert.Contains("tools[1].ParametersJson is not a JSON object", error.Message, StringComparison.Ordinal);
    }
}
