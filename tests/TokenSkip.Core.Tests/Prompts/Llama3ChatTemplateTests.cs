using TokenSkip.Core.Prompts;
using Xunit;

namespace TokenSkip.Core.Tests.Prompts;

public sealed class Llama3ChatTemplateTests
{
    private readonly Llama3ChatTemplate _template = new();

    [Fact]
    public void RendersTurnsWithoutDefaultSystemTurn()
    {
        PromptMessage[] chat =
        [
            new(PromptMessage.UserRole, "Hi"),
            new(PromptMessage.AssistantRole, "Hello"),
            new(PromptMessage.UserRole, "Bye"),
        ];

        var text = _template.Render(chat, addGenerationPrompt: true);

        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\nHello<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\nBye<|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\n",
            text);
    }

    [Fact]
    public void KeepsContentWhitespaceAndRendersSystemTurn()
    {
        PromptMessage[] chat = [new(PromptMessage.SystemRole, " S "), new(PromptMessage.UserRole, "U\n")];

        var text = _template.Render(chat, addGenerationPrompt: false);

        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n S <|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\nU\n<|eot_id|>",
            text);
    }

    [Fact]
    public void RendersToolResultUnderIpythonHeader()
    {
        var text = _template.Render([new PromptMessage(PromptMessage.ToolRole, "42")], addGenerationPrompt: false);

        Assert.Equal("<|begin_of_text|><|start_header_id|>ipython<|end_header_id|>\n\n42<|eot_id|>", text);
    }

    [Fact]
    public void RejectsEmptyRole()
    {
        var error = Assert.Throws<ArgumentException>(() => _template.Render([new PromptMessage("", "x")], addGenerationPrompt: false));

        Assert.Contains("messages[0].Role", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StopsAtEndOfTurnFirst()
    {
        Assert.Equal(["<|eot_id|>", "<|end_of_text|>", "<|eom_id|>"], _template.StopTokens);
        Assert.Equal(ModelFamily.Llama3, _template.Family);
    }
}
