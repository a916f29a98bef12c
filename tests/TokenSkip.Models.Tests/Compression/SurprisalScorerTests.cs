using TokenSkip.Core.Compression;
using TokenSkip.Core.Text;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Compression;
using TokenSkip.Models.Configuration;
using TokenSkip.Models.Transformer;
using TokenSkip.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace TokenSkip.Models.Tests.Compression;

public sealed class SurprisalScorerTests
{
    // -log p(ids[i] | ids[..i]) for i >= 1, from one forward pass.
    private static double[] Reference(CausalLanguageModel model, IReadOnlyList<int> ids)
    {
        using var scope = NewDisposeScope();
        var logProbabilities = model.Forward(tensor(ids.Select(i => (long)i).ToArray()).unsqueeze(0))[0].log_softmax(-1);
        var result = new double[ids.Count];
        for (var i = 1; i < ids.Count; i++)
        {
            result[i] = -logProbabilities[i - 1, ids[i]].item<float>();
        }

        return result;
    }

    [Fact]
    public void AWordScoresTheSumOfItsTokensSelfInformation()
    {
        using var model = TinyModels.Create(TinyModels.Config(maxPositions: 64));
        using var scorer = new SurprisalScorer(model, new CharTokenizer());
        const string text = "ab cd.";
        var s = Reference(model, new CharTokenizer().Encode(text));
        var first = s.Skip(1).Average(); // no BOS: the first token gets the mean of the others

        var scored = scorer.Score([text])[0];

        Assert.Equal(["ab", "cd", "."], scored.Words.Select(w => w.Form));
        Assert.Equal(first + s[1], scored.Words[0].Score, 4);
        Assert.Equal(s[3] + s[4], scored.Words[1].Score, 4);
        Assert.Equal(s[5], scored.Words[2].Score, 4);
        Assert.Equal([false, true, false], scored.Words.Select(w => w.SpaceBefore));
        Assert.Equal("surprisal", scorer.Name);
        Assert.Equal(double.MaxValue, scorer.Ceiling);
    }

    [Fact]
    public void ATokenCoveringTwoWordsIsSharedByCharacters()
    {
        using var model = TinyModels.Create(TinyModels.Config(maxPositions: 64));
        var tokenizer = new ListTokenizer(["(x", "(", "x", " ", "=", "1"]);
        using var scorer = new SurprisalScorer(model, tokenizer);
        const string text = "(x = 1";
        var s = Reference(model, tokenizer.Encode(text));
        var first = s.Skip(1).Average();

        var words = scorer.Score([text])[0].Words;

        Assert.Equal(["(", "x", "=", "1"], words.Select(w => w.Form));
        Assert.Equal(first / 2, words[0].Score, 4);
        Assert.Equal(first / 2, words[1].Score, 4);
        Assert.Equal(s[2], words[2].Score, 4);
    }

    [Fact]
    public void LoadsAFolderWithItsTokenizerAndScoresWithBosAndByteFallback()
    {
        using var folder = new TempFolder();
        var path = TinyCausalModels.Write(folder);
        using var scorer = SurprisalScorer.Load(path);
        using var model = CausalLanguageModel.Load(path);
        const string text = "caf\u00e9 au lait";
        var ids = new List<int> { 1 };
        ids.AddRange(scorer.Tokenizer.Encode(text)); // " " c a f <0xC3> <0xA9> " " a u " " l a i t
        var s = Reference(model, ids);

        var words = scorer.Score([text])[0].Words;

        Assert.Equal(Path.GetFullPath(path), scorer.ModelPath);
        Assert.Equal(["caf\u00e9", "au", "lait"], words.Select(w => w.Form));
        Assert.Equal(s[2] + s[3] + s[4] + s[5] + s[6], words[0].Score, 4);
        Assert.Equal(s[8] + s[9], words[1].Score, 4);
    }

    [Fact]
    public void LongTextsAreScoredInWindowsThatKeepHalfAWindowOfContext()
    {
        using var model = TinyModels.Create(TinyModels.Config(maxPositions: 512));
        using var whole = new SurprisalScorer(model, new CharTokenizer(), window: 512);
        using var windowed = new SurprisalScorer(model, new CharTokenizer(), window: 64);
        var ids = new CharTokenizer().Encode(string.Concat(Enumerable.Repeat("she sells 9 eggs. ", 12)));

        var exact = whole.Surprisals(ids, CancellationToken.None);
        var approximate = windowed.Surprisals(ids, CancellationToken.None);

        Assert.True(ids.Count > 200);
        Assert.All(Enumerable.Range(1, 63), i => Assert.Equal(exact[i], approximate[i], 4));
        Assert.All(approximate.Skip(1), v => Assert.True(double.IsFinite(v) && v > 0));
        Assert.Contains(Enumerable.Range(64, ids.Count - 64), i => Math.Abs(exact[i] - approximate[i]) > 1e-4);
    }

    [Fact]
    public void ForceTokensAndDigitsReachTheCeiling()
    {
        using var model = TinyModels.Create(TinyModels.Config(maxPositions: 64));
        using var scorer = new SurprisalScorer(model, new CharTokenizer());
        var options = new PruningOptions { ForceTokens = ["cd"], KeepDigits = true };

        var words = scorer.Score(["ab cd 12 x"], options)[0].Words;

        Assert.Equal([false, true, true, false], words.Select(w => w.Score == double.MaxValue));
    }

    [Fact]
    public void ATokenizerThatDoesNotRoundTripIsScoredWordByWord()
    {
        using var model = TinyModels.Create(TinyModels.Config(maxPositions: 64));
        using var scorer = new SurprisalScorer(model, new ShoutingTokenizer());

        var words = scorer.Score(["ab cd. ef"])[0].Words;

        Assert.Equal(["ab", "cd", ".", "ef"], words.Select(w => w.Form));
        Assert.All(words, w => Assert.True(double.IsFinite(w.Score) && w.Score > 0));
    }

    [Fact]
    public void AFolderWithoutATokenizerIsNamed()
    {
        using var folder = new TempFolder();
        var path = TinyModels.Write(folder, TinyModels.Config(ModelArchitecture.Llama));

        var error = Assert.Throws<ModelFormatException>(() => SurprisalScorer.Load(path));

        Assert.Contains("needs the model's tokenizer", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void ScoringLeavesNoTensorAlive()
    {
        using var model = TinyModels.Create(TinyModels.Config(maxPositions: 64));
        using var scorer = new SurprisalScorer(model, new CharTokenizer(), window: 16);
        scorer.Score(["ab cd."]);

        var before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        scorer.Score(["ab cd.", "she sells 9 eggs at 2 each, so 18."]);

        Assert.Equal(before, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void EmptyTextsHaveNoWords()
    {
        using var model = TinyModels.Create(TinyModels.Config(maxPositions: 64));
        using var scorer = new SurprisalScorer(model, new CharTokenizer());

        Assert.Empty(scorer.Score([" \n "])[0].Words);
    }

    /// <summary>Greedy longest-match over a fixed piece list.</summary>
    private sealed class ListTokenizer(string[] pieces) : ITextTokenizer
    {
        public int VocabularySize => pieces.Length;

        public IReadOnlyList<int> Encode(string text)
        {
            var ids = new List<int>();
            for (var i = 0; i < text.Length;)
            {
                var id = Enumerable.Range(0, pieces.Length).Where(p => text.AsSpan(i).StartsWith(pieces[p])).MaxBy(p => pieces[p].Length);
                ids.Add(id);
                i += pieces[id].Length;
            }

            return ids;
        }

        public string Decode(IEnumerable<int> ids) => string.Concat(ids.Select(i => pieces[i]));

        public bool TryGetTokenId(string token, out int id) => (id = Array.IndexOf(pieces, token)) >= 0;
    }

    /// <summary>Decodes in upper case, so decoded text never matches the source.</summary>
    private sealed class ShoutingTokenizer : ITextTokenizer
    {
        private readonly CharTokenizer _inner = new();

        public int VocabularySize => _inner.VocabularySize;

        public IReadOnlyList<int> Encode(string text) => _inner.Encode(text);

        public string Decode(IEnumerable<int> ids) => _inner.Decode(ids).ToUpperInvariant();

        public bool TryGetTokenId(string token, out int id) => _inner.TryGetTokenId(token, out id);
    }
}
