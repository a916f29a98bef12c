using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Transformer;
using Xunit;
using static TorchSharp.torch;

namespace TokenSkip.Models.Tests.Inference;

/// <summary>Prompt and completion log-probabilities from the continuous batch.</summary>
public sealed class LogprobsTests
{
    private static readonly int[] Prompt = [5, 17, 3, 40, 2, 9, 11, 60, 7, 8, 21, 33, 4];

    // log p(ids[i] | ids[..i]) for i >= 1 and the log-softmax rows, from one forward pass without a cache.
    private static float[,] LogSoftmax(CausalLanguageModel model, IReadOnlyList<int> ids)
    {
        using var scope = NewDisposeScope();
        var rows = model.Forward(tensor(ids.Select(i => (long)i).ToArray()).unsqueeze(0))[0].log_softmax(-1).cpu();
        var result = new float[ids.Count, rows.shape[1]];
        for (var i = 0; i < ids.Count; i++)
        {
            var row = rows[i].data<float>().ToArray();
            for (var v = 0; v < row.Length; v++)
            {
                result[i, v] = row[v];
            }
        }

        return result;
    }

    [Theory]
    [InlineData(512)]
    [InlineData(4)]
    [InlineData(1)]
    public void PromptLogprobsMatchAFullForwardPassWhateverThePrefillChunk(int chunk)
    {
        using var model = TinyModels.Create();
        var reference = LogSoftmax(model, Prompt);

        var logprobs = BatchPromptLogprobSource.Score(model, new CharTokenizer(), Prompt, chunk, top: 3);

        Assert.Equal(Prompt.Length, logprobs.Count);
        Assert.Null(logprobs[0]);
        for (var i = 1; i < Prompt.Length; i++)
        {
            var entry = logprobs[i]!;
            Assert.Equal(Prompt[i], entry.TokenId);
            Assert.Equal(reference[i - 1, Prompt[i]], entry.Logprob, 1e-4);
            Assert.Equal(3, entry.Top.Count);
            var best = Enumerable.Range(0, reference.GetLength(1)).MaxBy(v => reference[i - 1, v]);
            Assert.Equal(best, entry.Top[0].TokenId);
            Assert.Equal(reference[i - 1, best], entry.Top[0].Logprob, 1e-4);
            Assert.True(entry.Top[0].Logprob >= entry.Top[1].Logprob && entry.Top[1].Logprob >= entry.Top[2].Logprob);
        }
    }

    [Fact]
    public void EachGeneratedTokenCarriesItsRawLogprobWhileItsNeighbourAsksForNone()
    {
        using var model = TinyModels.Create();
        using var batch = new ContinuousBatch(model, new CharTokenizer(), new ContinuousBatchOptions { Slots = 2, SlotTokens = 64 });
        var withLogprobs = batch.Join(Prompt, new GenerationOptions { MaxNewTokens = 5, IgnoreEndOfSequence = true, Logprobs = 2 });
        var without = batch.Join([9, 8, 7], new GenerationOptions { MaxNewTokens = 5, IgnoreEndOfSequence = true, Temperature = 0.8, Seed = 4 });
        var updates = new List<GenerationUpdate>();
        while (batch.ActiveCount > 0)
        {
            updates.AddRange(batch.Step());
        }

        var mine = updates.Where(u => u.RequestIndex == withLogprobs).ToList();
        Assert.All(updates.Where(u => u.RequestIndex == without), u => Assert.Null(u.Logprob));
        Assert.All(updates, u => Assert.Null(u.PromptLogprobs));
        Assert.Equal(5, mine.Count);
        var ids = Prompt.Concat(mine.Select(u => u.TokenId!.Value)).ToArray();
        var reference = LogSoftmax(model, ids);
        for (var k = 0; k < mine.Count; k++)
        {
            var position = Prompt.Length - 1 + k;
            var logprob = mine[k].Logprob!;
            Assert.Equal(mine[k].TokenId, logprob.TokenId);
            Assert.Equal(reference[position, logprob.TokenId], logprob.Logprob, 1e-4);
            Assert.Equal(2, logprob.Top.Count);
            Assert.Equal(logprob.TokenId, logprob.Top[0].TokenId); // greedy picks the most likely
        }
    }

    [Fact]
    public void AskingForMoreThanTwentyAlternativesIsRefusedByName()
    {
        var error = Assert.Throws<InvalidRequestException>(() => new GenerationOptions { PromptLogprobs = 21 }.Validate());

        Assert.Equal("prompt_logprobs", error.Parameter);
    }
}
