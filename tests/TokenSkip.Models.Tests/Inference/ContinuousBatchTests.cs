using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Models.Inference;
using TorchSharp;
using Xunit;

namespace TokenSkip.Models.Tests.Inference;

/// <summary>Sequences that join and leave a running batch decode exactly what they decode alone.</summary>
public sealed class ContinuousBatchTests
{
    private static readonly int[][] Prompts = [[5, 17, 3], [40, 2, 9, 11, 60, 7, 8], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]];

    private static readonly GenerationOptions Greedy = new() { MaxNewTokens = 10, IgnoreEndOfSequence = true };

    [Fact]
    public void SequencesJoiningAtDifferentStepsMatchTheirSoloGeneration()
    {
        using var model = TinyModels.Create();
        var tokenizer = new CharTokenizer();
        // Each request has its own options: greedy, seeded sampling, and sampling with top-p and a repetition penalty.
        GenerationOptions[] options =
        [
            Greedy,
            Greedy with { Temperature = 0.9, Seed = 11, TopK = 20 },
            Greedy with { Temperature = 0.7, Seed = 3, TopP = 0.8, RepetitionPenalty = 1.3, MaxNewTokens = 6 },
        ];
        var generator = new TextGenerator(model, tokenizer);
        var solo = Prompts.Select((p, i) => generator.Generate(p, options[i])).ToArray();
        using var batch = new ContinuousBatch(model, tokenizer, new ContinuousBatchOptions { Slots = 4, SlotTokens = 64 });

        // Request i joins after i steps, while the earlier ones are mid-generation.
        var outputs = Prompts.Select(_ => new List<int>()).ToArray();
        var texts = Prompts.Select(_ => string.Empty).ToArray();
        var slotOf = new Dictionary<int, int>();
        var finals = new Dictionary<int, GenerationUpdate>();
        for (var step = 0; finals.Count < Prompts.Length; step++)
        {
            if (step < Prompts.Length)
            {
                slotOf[batch.Join(Prompts[step], options[step])] = step;
            }

            foreach (var update in batch.Step())
            {
                var request = slotOf[update.RequestIndex];
                outputs[request].Add(update.TokenId!.Value);
                texts[request] += update.TextDelta;
                if (update.IsFinal)
                {
                    finals[request] = update;
                }
            }
        }

        for (var i = 0; i < Prompts.Length; i++)
        {
            Assert.Equal(solo[i].OutputIds, outputs[i]);
            Assert.Equal(solo[i].Text, texts[i]);
            Assert.Equal(solo[i].Usage, finals[i].Usage);
            Assert.Equal(FinishReason.Length, finals[i].FinishReason);
        }

        Assert.Equal(0, batch.ActiveCount);
    }

    [Fact]
    public void ChunkedPrefillInterleavesWithDecodingAndChangesNothing()
    {
        using var model = TinyModels.Create();
        var generator = new TextGenerator(model);
        var expected = Prompts.Select(p => generator.Generate(p, Greedy).OutputIds).ToArray();
        using var batch = new ContinuousBatch(model, null, new ContinuousBatchOptions { Slots = 3, SlotTokens = 64, PrefillChunkTokens = 4 });

        var short0 = batch.Join(Prompts[0], Greedy);
        var first = batch.Step();
        var long2 = batch.Join(Prompts[2], Greedy);
        var outputs = new Dictionary<int, List<int>> { [short0] = [.. first.Select(u => u.TokenId!.Value)], [long2] = [] };
        var stepsBeforeLongStarts = 0;
        while (batch.ActiveCount > 0)
        {
            var updates = batch.Step();
            if (outputs[long2].Count == 0)
            {
                stepsBeforeLongStarts++;
                // The short sequence keeps decoding while the long prompt is prefilled 4 tokens a step.
                Assert.Contains(updates, u => u.RequestIndex == short0);
            }

            foreach (var update in updates)
            {
                outputs[update.RequestIndex].Add(update.TokenId!.Value);
            }
        }

        Assert.Equal(3, stepsBeforeLongStarts); // 12 prompt tokens in chunks of 4
        Assert.Equal(expected[0], outputs[short0]);
        Assert.Equal(expected[2], outputs[long2]);
    }

    [Fact]
    public void LeavingFreesTheSlotAndTheNextSequenceIsUnaffectedByItsLeftovers()
    {
        using var model = TinyModels.Create();
        var expected = new TextGenerator(model).Generate(Prompts[0], Greedy).OutputIds;
        using var batch = new ContinuousBatch(model, null, new ContinuousBatchOptions { Slots = 1, SlotTokens = 64 });

        var slot = batch.Join(Prompts[2], Greedy);
        batch.Step();
        batch.Step();
        Assert.False(batch.HasFreeSlot);
        Assert.Throws<InvalidOperationException>(() => batch.Join(Prompts[0], Greedy));
        batch.Leave(slot);
        Assert.True(batch.HasFreeSlot);
        Assert.False(batch.IsActive(slot));

        var reused = batch.Join(Prompts[0], Greedy);
        var tokens = new List<int>();
        while (batch.ActiveCount > 0)
        {
            tokens.AddRange(batch.Step().Select(u => u.TokenId!.Value));
        }

        Assert.Equal(slot, reused);
        Assert.Equal(expected, tokens);
    }

    [Fact]
    public void StopConditionsArePerSequenceAndFinishedSlotsAreFreed()
    {
        using var model = TinyModels.Create();
        var tokenizer = new CharTokenizer();
        var solo = new TextGenerator(model, tokenizer).Generate(Prompts[1], Greedy);
        var stopText = solo.Text!.Substring(3, 2);
        using var batch = new ContinuousBatch(model, tokenizer, new ContinuousBatchOptions { Slots = 2, SlotTokens = 64 });

        var stopped = batch.Join(Prompts[1], Greedy with { StopStrings = [stopText] });
        var free = batch.Join(Prompts[1], Greedy);
        var texts = new Dictionary<int, string> { [stopped] = string.Empty, [free] = string.Empty };
        var reasons = new Dictionary<int, FinishReason?>();
        while (batch.ActiveCount > 0)
        {
            foreach (var update in batch.Step())
            {
                texts[update.RequestIndex] += update.TextDelta;
                reasons[update.RequestIndex] = update.FinishReason;
            }
        }

        Assert.Equal(solo.Text[..solo.Text.IndexOf(stopText, StringComparison.Ordinal)], texts[stopped]);
        Assert.Equal(FinishReason.Stop, reasons[stopped]);
        Assert.Equal(solo.Text, texts[free]);
        Assert.Equal(FinishReason.Length, reasons[free]);
        Assert.Equal(2, batch.SlotCount - batch.ActiveCount);
    }

    [Fact]
    public void PromptsThatCannotFitASlotAreRefusedWithTheReason()
    {
        using var model = TinyModels.Create();
        using var batch = new ContinuousBatch(model, null, new ContinuousBatchOptions { Slots = 1, SlotTokens = 8 });

        var tooLong = Assert.Throws<InvalidRequestException>(() => batch.CheckPrompt(Prompts[2]));
        var outside = Assert.Throws<InvalidRequestException>(() => batch.Join([1, 500], Greedy));
        var empty = Assert.Throws<InvalidRequestException>(() => batch.Join([], Greedy));

        Assert.Contains("12 tokens but the model's context is 8", tooLong.Message);
        Assert.Contains("outside the vocabulary", outside.Message);
        Assert.Contains("empty", empty.Message);
        Assert.All(new[] { tooLong, outside, empty }, e => Assert.Equal("prompt", e.Parameter));
        Assert.Equal(0, batch.ActiveCount);
        Assert.Equal(8, batch.SlotTokens);
    }

    [Fact]
    public void ManyStepsLeakNoTensors()
    {
        using var model = TinyModels.Create();
        using var batch = new ContinuousBatch(model, new CharTokenizer(), new ContinuousBatchOptions { Slots = 3, SlotTokens = 64 });
        var sampled = Greedy with { Temperature = 0.8, Seed = 2, TopP = 0.9, RepetitionPenalty = 1.1, MaxNewTokens = 5 };
        batch.Join(Prompts[0], sampled);
        while (batch.ActiveCount > 0)
        {
            batch.Step(); // warm up lazily built tables
        }

        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var round = 0; round < 10; round++)
        {
            var left = batch.Join(Prompts[2], Greedy);
            batch.Join(Prompts[0], sampled);
            batch.Join(Prompts[1], Greedy with { MaxNewTokens = 3 });
            batch.Step();
            batch.Leave(left);
            while (batch.ActiveCount > 0)
            {
                batch.Step();
            }
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
