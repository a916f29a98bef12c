using TokenSkip.Core;
using TokenSkip.Core.Prompts;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Training;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Models.Tests.Training;

public sealed class SftSampleRendererTests
{
    private const string Question = "Natalia sold clips to 48 of her friends in April. How many clips did she sell?";

    [Theory]
    [InlineData(ModelFamily.Qwen2, 0.6)]
    [InlineData(ModelFamily.Qwen2, 1.0)]
    [InlineData(ModelFamily.Llama3, 0.5)]
    [InlineData(ModelFamily.Llama3, 1.0)]
    public void TokenSkipRecordsTrainOnExactlyTheInferencePrompt(ModelFamily family, double gamma)
    {
        var ratio = new CompressionRatio(gamma);
        var record = TokenSkipPromptBuilder.BuildTrainingRecord(Question, "48 / 2 = 24. 48 + 24 = 72.", "72", ratio);

        var sample = SftSampleRenderer.FromAlpaca(record, family);

        Assert.Equal(TokenSkipPromptBuilder.BuildPrompt(family, Question, ratio), sample.Prompt);
        Assert.Equal(record.Output + (family == ModelFamily.Qwen2 ? "<|im_end|>" : "<|eot_id|>"), sample.Completion);
    }

    [Fact]
    public void QwenTokenSkipPromptIsTheReferenceText()
    {
        var record = TokenSkipPromptBuilder.BuildTrainingRecord("Q?", "c", "1", new CompressionRatio(0.7));

        var sample = SftSampleRenderer.FromAlpaca(record, ModelFamily.Qwen2);

        Assert.Equal(
            "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nPlease reason step by step, and put your final answer " +
            "within \\boxed{}.\nQ?<|eot_id|>0.7<|eot_id|><|im_end|>\n<|im_start|>assistant\n", sample.Prompt);
        Assert.Equal("c\n\nThe final answer is: $\\boxed{1}$<|im_end|>", sample.Completion);
    }

    [Fact]
    public void OtherAlpacaAndChatRecordsUseTheFamilyTemplate()
    {
        var alpaca = SftSampleRenderer.FromAlpaca(new TokenSkipTrainingRecord("Translate.", "chat", "Plaudern"), ModelFamily.Qwen2);
        var chat = SftSampleRenderer.FromMessages(
            [new PromptMessage("system", "Be brief."), new PromptMessage("user", "Hi"), new PromptMessage("assistant", "Hello")], ModelFamily.Qwen2);

        Assert.Equal(
            "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n" +
            "<|im_start|>user\nTranslate.\nchat<|im_end|>\n<|im_start|>assistant\n", alpaca.Prompt);
        Assert.Equal("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", chat.Prompt);
        Assert.Equal("Hello<|im_end|>", chat.Completion);
        Assert.Throws<ArgumentException>(() => SftSampleRenderer.FromMessages([new PromptMessage("user", "Hi")], ModelFamily.Qwen2));
    }

    [Fact]
    public void DataFilesHoldAlpacaAndChatRecordsAndErrorsNameTheLine()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("train.jsonl");
        File.WriteAllText(path,
            "{\"instruction\":\"Please reason step by step, and put your final answer within \\\\boxed{}.\",\"input\":\"Q?<|eot_id|>0.5<|eot_id|>\",\"output\":\"a\"}\n" +
            "\n" +
            "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Yo\"}]}\n");

        var samples = SftDataFile.Read(path, ModelFamily.Qwen2);

        Assert.Equal(2, samples.Count);
        Assert.Equal(TokenSkipPromptBuilder.BuildPrompt(ModelFamily.Qwen2, "Q?", new CompressionRatio(0.5)), samples[0].Prompt);
        Assert.Equal("Yo<|im_end|>", samples[1].Completion);

        File.AppendAllText(path, "{\"instruction\":\"x\",\"input\":\"y\"}\n");
        var error = Assert.Throws<ModelFormatException>(() => SftDataFile.Read(path, ModelFamily.Qwen2));
        Assert.Contains("train.jsonl: line 4: missing field 'output'", error.Message);
    }

    [Fact]
    public void AJsonArrayOfRecordsIsReadToo()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("train.json");
        File.WriteAllText(path, " [{\"instruction\":\"Say hi.\",\"input\":\"\",\"output\":\"hi\"}, {\"instruction\":\"x\"}]");

        var error = Assert.Throws<ModelFormatException>(() => SftDataFile.Read(path, ModelFamily.Qwen2));
        Assert.Contains("train.json: record 1: missing field 'output'", error.Message);

        File.WriteAllText(path, "[{\"instruction\":\"Say hi.\",\"input\":\"\",\"output\":\"hi\"}]");
        var sample = Assert.Single(SftDataFile.Read(path, ModelFamily.Qwen2));
        Assert.EndsWith("<|im_start|>user\nSay hi.<|im_end|>\n<|im_start|>assistant\n", sample.Prompt);
    }
}
