using TokenSkip.Core.Engine;
using TokenSkip.Models.Compression;
using TokenSkip.Models.Tests.Inference;
using TokenSkip.Models.Transformer;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Models.Tests.Compression;

/// <summary>The remote scorer gives the local scorer's word scores when a server computes the log-probabilities.</summary>
public sealed class RemoteSurprisalScorerTests
{
    private static readonly string[] Texts = ["She sells 9 eggs.\nThen 12 more, so 21 in all.", "3 cups at $2 = $6.", " .. "];

    private static void AssertSameScores(IImportanceScorer expected, IImportanceScorer actual, params string[] texts)
    {
        var local = expected.Score(texts);
        var remote = actual.Score(texts);
        for (var t = 0; t < texts.Length; t++)
        {
            Assert.Equal(local[t].Words.Select(w => (w.Form, w.Span, w.SpaceBefore)), remote[t].Words.Select(w => (w.Form, w.Span, w.SpaceBefore)));
            Assert.All(local[t].Words.Zip(remote[t].Words), pair => Assert.Equal(pair.First.Score, pair.Second.Score, 1e-3));
        }
    }

    [Fact]
    public void ABosTheServerAddsIsContextAndMultiByteCharactersCountForTheirWord()
    {
        using var folder = new TempFolder();
        var path = TinyCausalModels.Write(folder);
        using var local = SurprisalScorer.Load(path);
        using var model = CausalLanguageModel.Load(path);
        using var remote = new RemoteSurprisalScorer(new BatchPromptLogprobSource(model, local.Tokenizer, addBos: 1, prefillChunk: 7), "test server");

        AssertSameScores(local, remote, ["caf\u00e9 au lait: 3 cups at $2 = $6.", .. Texts]);
        Assert.Equal("surprisal", remote.Name);
        Assert.Equal("test server", remote.ModelPath);
    }

    [Fact]
    public void WithoutBosTheFirstTokenGetsTheMeanAsLocally()
    {
        using var model = TinyModels.Create(TinyModels.Config(maxPositions: 128));
        using var local = new SurprisalScorer(model, new CharTokenizer());
        using var remote = new RemoteSurprisalScorer(new BatchPromptLogprobSource(model, new CharTokenizer(), addBos: null, prefillChunk: 512), "test",
            new RemoteSurprisalOptions { MaxConcurrency = 2 });

        AssertSameScores(local, remote, Texts);
    }

    [Fact]
    public void TokensThatDoNotSpellTheTextAreRefused()
    {
        using var remote = new RemoteSurprisalScorer(new FixedSource(new PromptLogprobs(["<s>", "other", " words"], [null, -1, -2], [0, 3, 8])), "test");

        var error = Assert.Throws<InvalidDataException>(() => remote.Score(["some text"]));

        Assert.Contains("other words", error.Message);
        Assert.Contains("some text", error.Message);
    }

    [Fact]
    public void APrefixIsSentBeforeEveryTextAndNotScored()
    {
        var source = new FixedSource(new PromptLogprobs(["<s>", "ab", " cd"], [null, -1, -2], [0, 3, 5]));
        using var remote = new RemoteSurprisalScorer(source, "test", new RemoteSurprisalOptions { PromptPrefix = "<s>" });

        var words = remote.Score(["ab cd"])[0].Words;

        Assert.Equal("<s>ab cd", source.LastPrompt);
        Assert.Equal([1.0, 2.0], words.Select(w => w.Score));
    }

    private sealed class FixedSource(PromptLogprobs answer) : IPromptLogprobSource
    {
        public string? LastPrompt { get; private set; }

        public Task<PromptLogprobs> GetPromptLogprobsAsync(string prompt, CancellationToken cancellationToken = default)
        {
            LastPrompt = prompt;
            return Task.FromResult(answer);
        }
    }
}
