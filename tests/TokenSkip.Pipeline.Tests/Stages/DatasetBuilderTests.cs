using System.Text.Json;
using TokenSkip.Core;
using TokenSkip.Core.IO;
using TokenSkip.Core.Prompts;
using TokenSkip.Pipeline.Data;
using TokenSkip.Pipeline.Stages;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Pipeline.Tests.Stages;

public sealed class DatasetBuilderTests
{
    private static readonly FilteredRecord[] Originals = Enumerable.Range(0, 600)
        .Select(i => new FilteredRecord($"q{i}", $"Question {i}?", $"{i}", $"{i}", $"Long reasoning for {i}.", 5)).ToArray();

    private static readonly CompressedRecord[] Compressed = Originals
        .SelectMany(o => new[] { 0.9, 0.8, 0.7, 0.6, 0.5 }.Select(g => new CompressedRecord(o.Id, g, $"short {g} {o.Id}", [0, 2], 5, 3)))
        .ToArray();

    [Fact]
    public void EachQuestionGetsOneSampleWithUniformSeededRatios()
    {
        using var folder = new TempFolder();

        var result = DatasetBuilder.Build(Originals, Compressed, folder.Path, ModelFamily.Qwen2, seed: 42);
        var records = JsonSerializer.Deserialize<TokenSkipTrainingRecord[]>(File.ReadAllText(result.AlpacaPath))!;

        Assert.Equal(600, result.Samples);
        Assert.Equal(600, records.Length);
        Assert.Equal(6, result.SamplesPerRatio.Count);
        Assert.All(result.SamplesPerRatio.Values, n => Assert.InRange(n, 60, 140));
        Assert.Equal(600, records.Select(r => r.Input.Split("<|eot_id|>")[0]).Distinct().Count());
        Assert.NotEqual(Originals.Select(o => o.Question), records.Select(r => r.Input.Split("<|eot_id|>")[0])); // shuffled
        Assert.Equal(42, Provenance.ReadFor(result.AlpacaPath)!.Seed);
    }

    [Fact]
    public void SamplesFollowTokenSkipsFormats()
    {
        using var folder = new TempFolder();
        var result = DatasetBuilder.Build(Originals, Compressed, folder.Path, ModelFamily.Qwen2, seed: 1);
        var records = JsonSerializer.Deserialize<TokenSkipTrainingRecord[]>(File.ReadAllText(result.AlpacaPath))!;
        var chats = JsonLines.Read<ChatRecord>(result.MessagesPath).ToList();

        for (var i = 0; i < records.Length; i++)
        {
            var record = records[i];
            var chat = chats[i];
            var id = record.Input.Split('?')[0]["Question ".Length..];
            Assert.Equal(TokenSkipPromptBuilder.Instruction, record.Instruction);
            if (chat.Gamma == 1.0)
            {
                Assert.Equal($"Question {id}?", record.Input);
                Assert.Equal($"Long reasoning for {id}.\n\nThe final answer is: $\\boxed{{{id}}}$", record.Output);
            }
            else
            {
                var gamma = new CompressionRatio(chat.Gamma).ToString();
                Assert.Equal($"Question {id}?<|eot_id|>{gamma}<|eot_id|>", record.Input);
                Assert.Equal($"short {chat.Gamma} q{id}\n\nThe final answer is: $\\boxed{{{id}}}$", record.Output);
            }

            // The chat layout's turns are exactly what the inference prompt carries.
            var prompt = TokenSkipPromptBuilder.BuildPrompt(ModelFamily.Qwen2, $"Question {id}?", new CompressionRatio(chat.Gamma));
            Assert.Equal(["system", "user", "assistant"], chat.Messages.Select(m => m.Role));
            Assert.Contains("<|im_start|>user\n" + chat.Messages[1].Content + "<|im_end|>", prompt);
            Assert.Equal(record.Output, chat.Messages[2].Content);
        }
    }

    [Fact]
    public void TheSameSeedRebuildsTheSameFiles()
    {
        using var a = new TempFolder();
        using var b = new TempFolder();
        var first = DatasetBuilder.Build(Originals, Compressed, a.Path, ModelFamily.Llama3, seed: 7);
        var second = DatasetBuilder.Build(Originals, Compressed, b.Path, ModelFamily.Llama3, seed: 7);

        Assert.Equal(File.ReadAllText(first.AlpacaPath), File.ReadAllText(second.AlpacaPath));
        Assert.Equal(File.ReadAllText(first.MessagesPath), File.ReadAllText(second.MessagesPath));
        Assert.DoesNotContain("\"system\"", File.ReadAllText(first.MessagesPath));
    }

    [Fact]
    public void AMissingCompressedCotIsNamed()
    {
        using var folder = new TempFolder();
        var error = Assert.Throws<InvalidOperationException>(() => DatasetBuilder.Build(Originals, Compressed.Where(c => c.Gamma != 0.7).ToList(), folder.Path, ModelFamily.Qwen2));

        Assert.Contains("at γ=0.7", error.Message);
    }
}
