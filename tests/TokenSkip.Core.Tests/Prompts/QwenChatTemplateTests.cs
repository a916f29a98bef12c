using TokenSkip.Core.Prompts;
using Xunit;

namespace TokenSkip.Core.Tests.Prompts;

public sealed class QwenChatTemplateTests
{
    private readonly QwenChatTemplate _template = new();

    [Fact]
    public void InsertsQwenDefaultSystemPromptWhenConversationHasNone()
    {
        var text = _template.Render([new PromptMessage(PromptMessage.UserRole, "Hi")], addGenerationPrompt: true);

        Assert.Equal(
            "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n" +
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
            text);
    }

    [Fact]
    public void KeepsLeadingSystemMessageAndRendersLaterSystemMessagesAsTurns()
    {
        PromptMessage[] chat =
        [
            new(PromptMessage.SystemRole, "S1"),
            new(PromptMessage.UserRole, "U"),
            new(PromptMessage.SystemRole, "S2"),
        ];

        var text = _template.Render(chat, addGenerationPrompt: false);

        Assert.Equal("<|im_start|>system\nS1<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>system\nS2<|im_end|>\n", text);
    }

    [Fact]
    public void GroupsConsecutiveToolResultsIntoOneUserTurn()
    {
        PromptMessage[] chat =
        [
            new(PromptMessage.SystemRole, "S"),
            new(PromptMessage.AssistantRole, "calling"),
            new(PromptMessage.ToolRole, "r1"),
            new(PromptMessage.ToolRole, "r2"),
            new(PromptMessage.UserRole, "thanks"),
        ];

        var text = _template.Render(chat, addGenerationPrompt: false);

        Assert.Equal(
            "<|im_start|>system\nS<|im_end|>\n<|im_start|>assistant\ncalling<|im_end|>\n" +
            "<|im_start|>user\n<tool_response>\nr1\n</tool_response>\n<tool_response>\nr2\n</tool_response><|im_end|>\n" +
            "<|im_start|>user\nthanks<|im_end|>\n",
            text);
    }

    [Fact]
    public void RejectsUnknownRoleNamingIt()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            _template.Render([new PromptMessage("narrator", "x")], addGenerationPrompt: false));

        Assert.Contains("messages[0].Role 'narrator'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StopsAtImEndFirst()
    {
        Assert.Equal(["<|im_end|>", "<|endoftext|>"], _template.StopTokens);
        Assert.Equal(ModelFamily.Qwen2, _template.Family);
    }
}
