using TokenSkip.Core.Prompts;
using TokenSkip.Core.Text;
using Xunit;
using static TokenSkip.Core.Tests.Prompts.ToolFixtures;

namespace TokenSkip.Core.Tests.Prompts;

/// <summary>TokenSkip's prompt with tools: the tool section in the system turn, as each family's template writes it there.</summary>
public sealed class TokenSkipPromptBuilderToolTests
{
    private const string Question = "What is 2+3?";

    [Fact]
    public void QwenPutsTheToolsAfterTokenSkipsSystemPrompt()
    {
        var text = MessageContent.Unmark(TokenSkipPromptBuilder.BuildPrompt(ModelFamily.Qwen2, [Message("user", Question)], new CompressionRatio(0.6), [Now]));

        Assert.Equal(
            "<|im_start|>system\nYou are a helpful assistant.\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n" +
            "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n" + NowLine +
            "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n" +
            "<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n" +
            "<|im_start|>user\nPlease reason step by step, and put your final answer within \\boxed{}.\nWhat is 2+3?<|eot_id|>0.6<|eot_id|><|im_end|>\n" +
            "<|im_start|>assistant\n",
            text);
    }

    [Theory]
    [InlineData(0.6, "\n<|eot_id|>0.6<|eot_id|>")]
    [InlineData(1.0, "\n")]
    public void LlamaPutsTheToolsInMetasSystemTurnAndKeepsTokenSkipsUserTurnAsItIs(double ratio, string tail)
    {
        var text = MessageContent.Unmark(TokenSkipPromptBuilder.BuildPrompt(ModelFamily.Llama3, [Message("user", Question)], new CompressionRatio(ratio), [Now]));

        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n" +
            "Environment: ipython\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n" +
            "You have access to the following functions. To call a function, please respond with JSON for a function call." +
            "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.Do not use variables.\n\n" +
            NowIndented + "\n\n<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\nPlease reason step by step, and put your final answer within \\boxed{}.\nWhat is 2+3?" + tail + "<|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\n",
            text);
    }

    [Theory]
    [InlineData(ModelFamily.Qwen2)]
    [InlineData(ModelFamily.Llama3)]
    public void WithoutToolsThePromptIsTheOneWithoutTheArgument(ModelFamily family)
    {
        PromptMessage[] chat = [Message("user", "Hi"), Message("assistant", "Hello"), Message("user", Question)];
        var ratio = new CompressionRatio(0.7);

        Assert.Equal(TokenSkipPromptBuilder.BuildPrompt(family, chat, ratio), TokenSkipPromptBuilder.BuildPrompt(family, chat, ratio, []));
        Assert.Equal(TokenSkipPromptBuilder.BuildPrompt(family, Question, ratio), TokenSkipPromptBuilder.BuildPrompt(family, [Message("user", Question)], ratio, null));
    }
}
