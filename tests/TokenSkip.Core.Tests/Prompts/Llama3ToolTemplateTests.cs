using TokenSkip.Core.Prompts;
using TokenSkip.Core.Text;
using Xunit;
using static TokenSkip.Core.Tests.Prompts.ToolFixtures;

namespace TokenSkip.Core.Tests.Prompts;

/// <summary>
/// Llama 3.1 Instruct's template with tools, byte for byte. The expected strings are written out from reading Meta's
/// chat template (trim_blocks, lstrip_blocks, tojson = json.dumps(ensure_ascii=False)), not produced by the code.
/// </summary>
public sealed class Llama3ToolTemplateTests
{
    private const string CallFormat = "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.Do not use variables.\n\n";

    private const string UserTools =
        "Given the following functions, please respond with a JSON for a function call with its proper arguments that best answers the given prompt.\n\n" +
        CallFormat + WeatherIndented + "\n\n" + NowIndented + "\n\n";

    private const string SystemHead = "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n";

    private readonly Llama3ChatTemplate _template = new();

    private static string Header(string role) => "<|start_header_id|>" + role + "<|end_header_id|>\n\n";

    private static string Render(Llama3ChatTemplate template, PromptMessage[] messages, bool addGenerationPrompt, params ToolDefinition[] tools) =>
        MessageContent.Unmark(template.Render(MessageContent.Mark(messages), addGenerationPrompt, tools));

    [Fact]
    public void PutsToolsInTheFirstUserMessageByDefault()
    {
        var text = Render(_template, [Message("user", "  What's the weather in Zürich?\n")], true, Weather, Now);

        Assert.Equal(
            SystemHead + "Environment: ipython\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|>" +
            Header("user") + UserTools + "What's the weather in Zürich?<|eot_id|>" + Header("assistant"),
            text);
    }

    [Fact]
    public void RendersACallAsNameAndParametersAndItsResultAsAJsonString()
    {
        PromptMessage[] chat =
        [
            Message("system", " You are a weather bot.\n"),
            Message("user", "Weather in 東京?"),
            Calls("Let me check.", ("get_weather", """{"city":"東京","note":"a \"q\"\nb"}""")),
            Result("晴れ\n\"25°C\""),
            Message("assistant", "東京: 25 °C.\n"),
            Message("system", "Be brief."),
            Message("user", "Thanks!"),
        ];

        var text = Render(_template, chat, true, Weather, Now);

        Assert.Equal(
            SystemHead + "Environment: ipython\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nYou are a weather bot.<|eot_id|>" +
            Header("user") + UserTools + "Weather in 東京?<|eot_id|>" +
            Header("assistant") + "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"東京\", \"note\": \"a \\\"q\\\"\\nb\"}}<|eot_id|>" +
            Header("ipython") + "\"晴れ\\n\\\"25°C\\\"\"<|eot_id|>" +
            Header("assistant") + "東京: 25 °C.<|eot_id|>" +
            Header("system") + "Be brief.<|eot_id|>" +
            Header("user") + "Thanks!<|eot_id|>" +
            Header("assistant"),
            text);
    }

    [Fact]
    public void PutsToolsInTheSystemTurnWhenAskedWithItsDate()
    {
        var template = new Llama3ChatTemplate { ToolsInUserMessage = false, DateString = "02 Jan 2025" };

        var text = Render(template, [Message("system", "Sys"), Message("user", "Time?")], true, Now);

        Assert.Equal(
            SystemHead + "Environment: ipython\nCutting Knowledge Date: December 2023\nToday Date: 02 Jan 2025\n\n" +
            "You have access to the following functions. To call a function, please respond with JSON for a function call." +
            CallFormat + NowIndented + "\n\nSys<|eot_id|>" +
            Header("user") + "Time?<|eot_id|>" + Header("assistant"),
            text);
    }

    [Fact]
    public void ACallWithoutToolsOfferedGetsMetasSystemTurnAndConsecutiveResultsStaySeparate()
    {
        PromptMessage[] chat = [Message("user", "Time in two zones?"), Calls("", ("now", """{"tz": "UTC"}""")), Result("12:00"), Result("13:00", "call_1")];

        var text = Render(_template, chat, false);

        Assert.Equal(
            SystemHead + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|>" +
            Header("user") + "Time in two zones?<|eot_id|>" +
            Header("assistant") + "{\"name\": \"now\", \"parameters\": {\"tz\": \"UTC\"}}<|eot_id|>" +
            Header("ipython") + "\"12:00\"<|eot_id|>" +
            Header("ipython") + "\"13:00\"<|eot_id|>",
            text);
    }

    [Fact]
    public void SeveralCallsInOneTurnAreRejectedAsTheTemplateDoes()
    {
        PromptMessage[] chat = [Message("user", "U"), Calls("", ("now", "{}"), ("now", "{}"))];

        var error = Assert.Throws<ArgumentException>(() => _template.Render(chat, false, [Now]));

        Assert.Contains("messages[1] has 2 tool calls", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToolsInTheUserMessageNeedAMessageAfterTheSystemOne()
    {
        var error = Assert.Throws<ArgumentException>(() => _template.Render([Message("system", "S")], true, [Now]));

        Assert.Contains("first user message", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrimKeepsMarksAndRemovesTheWhitespaceInsideThem()
    {
        var marked = _template.Render([new PromptMessage("user", MessageContent.Mark(" \n Hi \t"))], false, [Now]);

        Assert.EndsWith(MessageContent.Mark("Hi") + "<|eot_id|>", marked, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutToolsAndCallsTheRenderingIsUnchanged()
    {
        PromptMessage[] chat = [Message("system", " S "), Message("user", "U\n"), Result("42")];

        Assert.Equal(
            "<|begin_of_text|>" + Header("system") + " S <|eot_id|>" + Header("user") + "U\n<|eot_id|>" + Header("ipython") + "42<|eot_id|>",
            _template.Render(chat, false, []));
    }
}
