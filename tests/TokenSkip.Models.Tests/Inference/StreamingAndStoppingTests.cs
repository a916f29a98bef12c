using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Models.Inference;
using Xunit;

namespace TokenSkip.Models.Tests.Inference;

/// <summary>Streaming updates, stop conditions, limits, sampling knobs and cancellation.</summary>
public sealed class StreamingAndStoppingTests
{
    private static readonly int[] Prompt = [5, 17, 3, 44];

    [Fact]
    public void StreamedDeltasConcatenateToTheFinalTextAndTheLastUpdateCarriesUsage()
    {
        using var model = TinyModels.Create();
        var generator = new TextGenerator(model, new CharTokenizer());
        var updates = new List<GenerationUpdate>();

        var result = generator.Generate(Prompt, new GenerationOptions { MaxNewTokens = 10, IgnoreEndOfSequence = true }, updates.Add);

        Assert.Equal(10, updates.Count);
        Assert.Equal(result.Text, string.Concat(updates.Select(u => u.TextDelta)));
        Assert.Equal(result.OutputIds, updates.Select(u => u.TokenId!.Value));
        Assert.All(updates.SkipLast(1), u => Assert.False(u.IsFinal));
        Assert.Equal(FinishReason.Length, updates[^1].FinishReason);
        Assert.Equal(new GenerationUsage(4, 10), updates[^1].Usage);
        Assert.Equal(FinishReason.Length, result.FinishReason);
    }

    [Fact]
    public void StopTokenEndsGenerationIsCountedButNotInTheText()
    {
        using var model = TinyModels.Create();
        var tokenizer = new CharTokenizer();
        var generator = new TextGenerator(model, tokenizer);
        var free = generator.Generate(Prompt, new GenerationOptions { MaxNewTokens = 10, IgnoreEndOfSequence = true });
        var stopAt = free.OutputIds[4];
        var firstIndex = free.OutputIds.ToList().IndexOf(stopAt);

        var result = generator.Generate(Prompt, new GenerationOptions { MaxNewTokens = 10, IgnoreEndOfSequence = true, StopTokenIds = [stopAt] });

        Assert.Equal(FinishReason.Stop, result.FinishReason);
        Assert.Equal(free.OutputIds.Take(firstIndex + 1), result.OutputIds);
        Assert.Equal(tokenizer.Decode(free.OutputIds.Take(firstIndex)), result.Text);
        Assert.Equal(firstIndex + 1, result.Usage.CompletionTokens);
    }

    [Fact]
    public void StopStringIsCutFromTheTextAndNeverStreamed()
    {
        using var model = TinyModels.Create();
        var generator = new TextGenerator(model, new CharTokenizer());
        var free = generator.Generate(Prompt, new GenerationOptions { MaxNewTokens = 12, IgnoreEndOfSequence = true });
        var stop = free.Text!.Substring(5, 3);
        var cut = free.Text.IndexOf(stop, StringComparison.Ordinal);
        var streamed = new List<string>();

        var result = generator.Generate(Prompt, new GenerationOptions { MaxNewTokens = 12, IgnoreEndOfSequence = true, StopStrings = [stop] },
            u => streamed.Add(u.TextDelta));

        Assert.Equal(FinishReason.Stop, result.FinishReason);
        Assert.Equal(free.Text[..cut], result.Text);
        Assert.Equal(result.Text, string.Concat(streamed));
        Assert.DoesNotContain(stop, string.Concat(streamed));
    }

    [Fact]
    public void ModelEndOfSequenceIdStopsUnlessIgnored()
    {
        var config = TinyModels.Config();
        using var model = TinyModels.Create(config);
        var generator = new TextGenerator(model);
        var free = generator.Generate(Prompt, new GenerationOptions { MaxNewTokens = 6, IgnoreEndOfSequence = true });
        using var eosModel = TinyModels.Create(config with { EosTokenIds = [free.OutputIds[1]] });

        var result = new TextGenerator(eosModel).Generate(Prompt, new GenerationOptions { MaxNewTokens = 6 });

        Assert.Equal(FinishReason.Stop, result.FinishReason);
        Assert.True(result.OutputIds.Count <= 2);
    }

    [Fact]
    public void GenerationStopsAtTheContextLength()
    {
        using var model = TinyModels.Create(TinyModels.Config(maxPositions: 10));
        var result = new TextGenerator(model).Generate(Prompt, new GenerationOptions { MaxNewTokens = 100, IgnoreEndOfSequence = true });

        Assert.Equal(FinishReason.Length, result.FinishReason);
        Assert.Equal(6, result.OutputIds.Count);
    }

    [Fact]
    public void SeededSamplingIsReproducibleAndSeedsDiffer()
    {
        using var model = TinyModels.Create();
        var generator = new TextGenerator(model);
        GenerationOptions Options(int seed) => new() { MaxNewTokens = 16, Temperature = 1.5, Seed = seed, IgnoreEndOfSequence = true };

        var a = generator.Generate(Prompt, Options(7)).OutputIds;
        var b = generator.Generate(Prompt, Options(7)).OutputIds;
        var c = generator.Generate(Prompt, Options(8)).OutputIds;

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void TopKOfOneIsGreedy()
    {
        using var model = TinyModels.Create();
        var generator = new TextGenerator(model);
        var greedy = generator.Generate(Prompt, new GenerationOptions { MaxNewTokens = 10, IgnoreEndOfSequence = true });
        var topOne = generator.Generate(Prompt, new GenerationOptions { MaxNewTokens = 10, Temperature = 2, TopK = 1, Seed = 3, IgnoreEndOfSequence = true });
        var tinyTopP = generator.Generate(Prompt, new GenerationOptions { MaxNewTokens = 10, Temperature = 1, TopP = 1e-6, Seed = 3, IgnoreEndOfSequence = true });

        Assert.Equal(greedy.OutputIds, topOne.OutputIds);
        Assert.Equal(greedy.OutputIds, tinyTopP.OutputIds);
    }

    [Fact]
    public void StrongRepetitionPenaltyAvoidsRepeatingTokens()
    {
        using var model = TinyModels.Create();
        var generator = new TextGenerator(model);
        var options = new GenerationOptions { MaxNewTokens = 20, IgnoreEndOfSequence = true };
        var plain = generator.Generate(Prompt, options).OutputIds;
        var penalised = generator.Generate(Prompt, options with { RepetitionPenalty = 1000 }).OutputIds;

        Assert.True(plain.Distinct().Count() < plain.Count, "the unpenalised greedy output should repeat itself for this test to mean anything");
        Assert.Equal(penalised.Count, penalised.Distinct().Count());
        Assert.Empty(penalised.Intersect(Prompt));
    }

    [Fact]
    public void CancellationStopsBetweenTokens()
    {
        using var model = TinyModels.Create();
        var generator = new TextGenerator(model);
        using var cancellation = new CancellationTokenSource();
        var seen = 0;

        Assert.ThrowsAny<OperationCanceledException>(() => generator.Generate(Prompt,
            new GenerationOptions { MaxNewTokens = 50, IgnoreEndOfSequence = true },
            _ =>
            {
                if (++seen == 3)
                {
                    cancellation.Cancel();
                }
            },
            cancellation.Token));
        Assert.Equal(3, seen);
    }

    [Theory]
    [InlineData(0, 0.0, 1.0, 0, 1.0, "max_tokens")]
    [InlineData(5, -1.0, 1.0, 0, 1.0, "temperature")]
    [InlineData(5, 0.0, 0.0, 0, 1.0, "top_p")]
    [InlineData(5, 0.0, 1.0, -2, 1.0, "top_k")]
    [InlineData(5, 0.0, 1.0, 0, 0.0, "repetition_penalty")]
    public void InvalidOptionsAreRejectedByName(int maxNew, double temperature, double topP, int topK, double penalty, string field)
    {
        using var model = TinyModels.Create();
        var options = new GenerationOptions { MaxNewTokens = maxNew, Temperature = temperature, TopP = topP, TopK = topK, RepetitionPenalty = penalty };

        var error = Assert.Throws<InvalidRequestException>(() => new TextGenerator(model).Generate(Prompt, options));
        Assert.Equal(field, error.Parameter);
        Assert.Contains(field, error.Message);
    }

    [Fact]
    public void BadPromptsGetClearErrors()
    {
        using var model = TinyModels.Create(TinyModels.Config(maxPositions: 8));
        var generator = new TextGenerator(model);

        InvalidRequestException PromptError(int[] ids) => Assert.Throws<InvalidRequestException>(() => generator.Generate(ids));

        Assert.Contains("outside the vocabulary", PromptError([1, 96]).Message);
        Assert.Contains("token id -1", PromptError([-1]).Message);
        Assert.Contains("context is 8 tokens", PromptError([.. Enumerable.Range(0, 9)]).Message);
        Assert.Equal("context_length_exceeded", PromptError([.. Enumerable.Range(0, 9)]).Code);
        Assert.Contains("empty", PromptError([]).Message);
        Assert.Equal("prompt", PromptError([]).Parameter);
        Assert.Contains("tokenizer", Assert.Throws<InvalidOperationException>(() => generator.Generate("text")).Message);
    }
}
