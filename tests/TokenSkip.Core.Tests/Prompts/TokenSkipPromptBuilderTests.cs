using System.Globalization;
using TokenSkip.Core.Prompts;
using Xunit;

namespace TokenSkip.Core.Tests.Prompts;

public sealed class TokenSkipPromptBuilderTests
{
    private const string Question = "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?";

    // Written out from TokenSkip's reference formats, not built with the code under test.
    private const string QwenHead =
        "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n" +
        "Please reason step by step, and put your final answer within \\boxed{}.\n" + Question;

    private const string QwenTail = "<|im_end|>\n<|im_start|>assistant\n";

    private const string LlamaHead =
        "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n" +
        "Please reason step by step, and put your final answer within \\boxed{}.\n" + Question + "\n";

    private const string LlamaTail = "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n";

    [Theory]
    [InlineData(0.5, "<|eot_id|>0.5<|eot_id|>")]
    [InlineData(0.6, "<|eot_id|>0.6<|eot_id|>")]
    [InlineData(0.9, "<|eot_id|>0.9<|eot_id|>")]
    [InlineData(1.0, "")]
    public void QwenPromptMatchesTokenSkip(double gamma, string ratioText)
    {
        var prompt = TokenSkipPromptBuilder.BuildPrompt(ModelFamily.Qwen2, Question, new CompressionRatio(gamma));

        Assert.Equal(QwenHead + ratioText + QwenTail, prompt);
    }

    [Theory]
    [InlineData(0.5, "<|eot_id|>0.5<|eot_id|>")]
    [InlineData(0.6, "<|eot_id|>0.6<|eot_id|>")]
    [InlineData(0.9, "<|eot_id|>0.9<|eot_id|>")]
    [InlineData(1.0, "")]
    public void LlamaPromptMatchesTokenSkip(double gamma, string ratioText)
    {
        var prompt = TokenSkipPromptBuilder.BuildPrompt(ModelFamily.Llama3, Question, new CompressionRatio(gamma));

        Assert.Equal(LlamaHead + ratioText + LlamaTail, prompt);
    }

    [Fact]
    public void LlamaPromptWithoutRatioEndsQuestionWithNewlineThenEndOfTurn()
    {
        var prompt = TokenSkipPromptBuilder.BuildPrompt(ModelFamily.Llama3, "Q?", CompressionRatio.Uncompressed);

        Assert.EndsWith("\nQ?\n<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", prompt, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ModelFamily.Qwen2)]
    [InlineData(ModelFamily.Llama3)]
    public void RatioIsWrittenWithInvariantCultureUnderGermanCulture(ModelFamily family)
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Assert.Equal("0,6", 0.6.ToString(CultureInfo.CurrentCulture)); // the culture really is in effect

            var prompt = TokenSkipPromptBuilder.BuildPrompt(family, Question, new CompressionRatio(0.6));

            Assert.Contains("<|eot_id|>0.6<|eot_id|>", prompt, StringComparison.Ordinal);
            Assert.DoesNotContain("0,6", prompt, StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Theory]
    [InlineData(ModelFamily.Qwen2)]
    [InlineData(ModelFamily.Llama3)]
    public void SingleUserMessageChatGivesTheSinglePrompt(ModelFamily family)
    {
        var ratio = new CompressionRatio(0.7);

        var fromChat = TokenSkipPromptBuilder.BuildPrompt(family, [new PromptMessage(PromptMessage.UserRole, Question)], ratio);

        Assert.Equal(TokenSkipPromptBuilder.BuildPrompt(family, Question, ratio), fromChat);
    }

    [Fact]
    public void QwenChatPutsInstructionAndRatioOnLastUserMessageOnly()
    {
        PromptMessage[] chat =
        [
            new(PromptMessage.SystemRole, "Be brief."),
            new(PromptMessage.UserRole, "What is 2+2?"),
            new(PromptMessage.AssistantRole, "4"),
            new(PromptMessage.UserRole, "And 3+3?"),
        ];

        var prompt = TokenSkipPromptBuilder.BuildPrompt(ModelFamily.Qwen2, chat, new CompressionRatio(0.5));

        Assert.Equal(
            "<|im_start|>system\nBe brief.<|im_end|>\n" +
            "<|im_start|>user\nWhat is 2+2?<|im_end|>\n" +
            "<|im_start|>assistant\n4<|im_end|>\n" +
            "<|im_start|>user\nPlease reason step by step, and put your final answer within \\boxed{}.\nAnd 3+3?<|eot_id|>0.5<|eot_id|><|im_end|>\n" +
            "<|im_start|>assistant\n",
            prompt);
    }

    [Fact]
    public void LlamaChatPutsInstructionAndRatioOnLastUserMessageOnly()
    {
        PromptMessage[] chat =
        [
            new(PromptMessage.UserRole, "What is 2+2?"),
            new(PromptMessage.AssistantRole, "4"),
            new(PromptMessage.UserRole, "And 3+3?"),
        ];

        var prompt = TokenSkipPromptBuilder.BuildPrompt(ModelFamily.Llama3, chat, new CompressionRatio(0.8));

        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\n4<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\nPlease reason step by step, and put your final answer within \\boxed{}.\nAnd 3+3?\n<|eot_id|>0.8<|eot_id|><|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\n",
            prompt);
    }

    [Fact]
    public void ChatWithoutUserMessageIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            TokenSkipPromptBuilder.BuildPrompt(ModelFamily.Qwen2, [new PromptMessage(PromptMessage.SystemRole, "x")], CompressionRatio.Uncompressed));

        Assert.Contains("no user message", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CompressedTrainingRecordCarriesRatioInInput()
    {
        var record = TokenSkipPromptBuilder.BuildTrainingRecord(
            "How many?", "48/2 = 24.\n48+24 = 72.", "72", new CompressionRatio(0.6));

        Assert.Equal("Please reason step by step, and put your final answer within \\boxed{}.", record.Instruction);
        Assert.Equal("How many?<|eot_id|>0.6<|eot_id|>", record.Input);
        Assert.Equal("48/2 = 24.\n48+24 = 72.\n\nThe final answer is: $\\boxed{72}$", record.Output);
    }

    [Fact]
    public void UncompressedTrainingRecordHasBareQuestion()
    {
        var record = TokenSkipPromptBuilder.BuildTrainingRecord("How many?", "cot", "5", CompressionRatio.Uncompressed);

        Assert.Equal("How many?", record.Input);
        Assert.Equal("cot\n\nThe final answer is: $\\boxed{5}$", record.Output);
    }

    [Fact]
    public void TrainingRecordSerializesWithAlpacaKeys()
    {
        var record = TokenSkipPromptBuilder.BuildTrainingRecord("q", "c", "1", new CompressionRatio(0.5));

        using var json = System.Text.Json.JsonDocument.Parse(System.Text.Json.JsonSerializer.Serialize(record));

        var keys = json.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["instruction", "input", "output"], keys);
        Assert.Equal("q<|eot_id|>0.5<|eot_id|>", json.RootElement.GetProperty("input").GetString());
    }
}
