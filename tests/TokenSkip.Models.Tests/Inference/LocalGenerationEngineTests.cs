using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Models.Inference;
using Xunit;

namespace TokenSkip.Models.Tests.Inference;

public sealed class LocalGenerationEngineTests
{
    private static readonly GenerationOptions Options = new() { MaxNewTokens = 8, IgnoreEndOfSequence = true };

    [Fact]
    public async Task StreamsWhatTheGeneratorProducesAndEndsWithUsage()
    {
        var tokenizer = new CharTokenizer();
        using var reference = TinyModels.Create();
        var expected = new TextGenerator(reference, tokenizer).Generate("abc", Options);
        using var engine = new LocalGenerationEngine(TinyModels.Create(), tokenizer);

        var updates = new List<GenerationUpdate>();
        await foreach (var update in engine.GenerateAsync(new GenerationRequest { PromptText = "abc", Options = Options }))
        {
            updates.Add(update);
        }

        Assert.Equal(expected.OutputIds, updates.Select(u => u.TokenId!.Value));
        Assert.Equal(expected.Text, string.Concat(updates.Select(u => u.TextDelta)));
        Assert.Equal(new GenerationUsage(3, 8), updates[^1].Usage);
        Assert.Equal(3, engine.CountTokens("xyz"));
    }

    [Fact]
    public async Task ConcurrentRequestsAllComplete()
    {
        using var engine = new LocalGenerationEngine(TinyModels.Create(), new CharTokenizer());

        var texts = await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
        {
            var text = string.Empty;
            await foreach (var u in engine.GenerateAsync(new GenerationRequest { PromptIds = [i + 1, 2, 3], Options = Options }))
            {
                text += u.TextDelta;
            }

            return text;
        }));

        Assert.All(texts, t => Assert.Equal(8, t.Length));
    }

    [Fact]
    public async Task CancellationAndBadPromptsSurfaceAsExceptions()
    {
        using var engine = new LocalGenerationEngine(TinyModels.Create(), new CharTokenizer());
        using var cancellation = new CancellationTokenSource();
        var seen = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in engine.GenerateAsync(new GenerationRequest { PromptIds = [1], Options = Options with { MaxNewTokens = 100 } }, cancellation.Token))
            {
                if (++seen == 2)
                {
                    await cancellation.CancelAsync();
                }
            }
        });
        var error = await Assert.ThrowsAsync<InvalidRequestException>(async () =>
        {
            await foreach (var _ in engine.GenerateAsync(new GenerationRequest { PromptIds = [500] }))
            {
            }
        });

        Assert.Contains("outside the vocabulary", error.Message);
        Assert.Equal("prompt", error.Parameter);
        Assert.InRange(seen, 2, 3);
    }
}
