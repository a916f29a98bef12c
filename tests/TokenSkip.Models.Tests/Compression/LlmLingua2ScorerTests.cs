using System.Text;
using TokenSkip.Core;
using TokenSkip.Core.Compression;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Compression;
using TokenSkip.Models.Encoders;
using TokenSkip.Models.Tests.Encoders;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Models.Tests.Compression;

public sealed class LlmLingua2ScorerTests
{
    private const string Sentence = "Janet has 16 eggs. She eats 3 for breakfast and bakes muffins with 4.";

    [Fact]
    public void XlmRobertaCheckpointLoadsThroughThePublicLoaderAndScoresWords()
    {
        using var folder = new TempFolder();
        using var scorer = LlmLingua2Scorer.Load(TinyEncoders.WriteXlmRoberta(folder));

        var scored = scorer.Score([Sentence])[0];

        Assert.Equal("llmlingua2", scorer.Name);
        Assert.Equal(Path.GetFullPath(folder.Combine("xlmr")), scorer.ModelPath);
        Assert.Equal(1.0, scorer.Ceiling);
        Assert.Equal(["▁Janet", "▁has", "▁16", "▁eggs", ".", "▁She"], scored.Words.Take(6).Select(w => w.Form));
        Assert.Equal(["Janet", "has", "16", "eggs", ".", "She"], scored.Words.Take(6).Select(w => Sentence.Substring(w.Span.Start, w.Span.Length)));
        Assert.Equal([true, true, true, true, false, true], scored.Words.Take(6).Select(w => w.SpaceBefore));
        Assert.All(scored.Words, w => Assert.InRange(w.Score, 0.0, 1.0));
        Assert.All(scored.Words, w => Assert.Equal(0, w.Chunk));
        Assert.True(scored.Words.Select(w => w.Score).Distinct().Count() > 5, "a random classifier should not give constant scores");
    }

    [Fact]
    public void WordScoresAreTheMeanOfTheirTokensKeepProbabilities()
    {
        using var folder = new TempFolder();
        using var scorer = LlmLingua2Scorer.Load(TinyEncoders.WriteXlmRoberta(folder));
        var tokens = scorer.Tokenizer.Tokenize("Janet has");

        var probabilities = scorer.Model.KeepProbabilities([[0, .. tokens.Select(t => t.Id), 2]])[0];
        var words = scorer.Score(["Janet has"])[0].Words;

        // "▁" "J" "a" "n" "et" form "▁Janet"; "▁" "h" "a" "s" form "▁has"
        Assert.Equal(probabilities.Skip(1).Take(5).Average(p => (double)p), words[0].Score, 12);
        Assert.Equal(probabilities.Skip(6).Take(4).Average(p => (double)p), words[1].Score, 12);
    }

    [Fact]
    public void BertCheckpointLoadsAndJoinsEveryWordWithASpace()
    {
        using var folder = new TempFolder();
        using var scorer = LlmLingua2Scorer.Load(TinyEncoders.WriteBert(folder));
        const string text = "Janet has 16 eggs.";

        var scored = scorer.Score([text])[0];

        Assert.Equal(["Janet", "has", "16", "eggs", "."], scored.Words.Select(w => w.Form));
        Assert.All(scored.Words, w => Assert.True(w.SpaceBefore));
        Assert.Equal("16 eggs .", KeptText.Join(text, scored.Words, [2, 3, 4]));
    }

    [Fact]
    public void ForceTokensAndDigitsScoreOne()
    {
        using var folder = new TempFolder();
        using var scorer = LlmLingua2Scorer.Load(TinyEncoders.WriteXlmRoberta(folder));
        var options = new PruningOptions { ForceTokens = ["eggs"], KeepDigits = true };

        var words = scorer.Score([Sentence], options)[0].Words;

        Assert.Equal(1.0, words.Single(w => w.Form == "▁eggs").Score);
        Assert.Equal(1.0, words.Single(w => w.Form == "▁16").Score);
        Assert.True(words.Single(w => w.Form == "▁Janet").Score < 1.0);
    }

    [Fact]
    public void AForceTokenOfSeveralTokensIsRefusedByName()
    {
        using var folder = new TempFolder();
        using var scorer = LlmLingua2Scorer.Load(TinyEncoders.WriteXlmRoberta(folder));

        var error = Assert.Throws<ArgumentException>(() => scorer.Score([Sentence], new PruningOptions { ForceTokens = ["Janet"] }));

        Assert.Contains("force token 'Janet' is 5 tokens", error.Message);
    }

    [Fact]
    public void ATwoThousandTokenCotIsScoredChunkByChunk()
    {
        using var folder = new TempFolder();
        using var scorer = LlmLingua2Scorer.Load(TinyEncoders.WriteXlmRoberta(folder));
        var cot = new StringBuilder();
        for (var i = 1; scorer.Tokenizer.Tokenize(cot.ToString()).Count < 2000; i++)
        {
            cot.Append($"Step {i}: she sells {i} eggs at $2 each, which makes {2 * i} dollars.\n");
        }

        var text = cot.ToString();
        var tokens = scorer.Tokenizer.Tokenize(text);
        var words = scorer.Score([text])[0].Words;

        // Chunks: at most 510 tokens here (a period always falls inside the window), each cut right after a ".".
        var chunks = words.GroupBy(w => w.Chunk).ToArray();
        Assert.True(tokens.Count >= 2000);
        Assert.True(chunks.Length >= 4, $"{chunks.Length} chunks");
        Assert.Equal(Enumerable.Range(0, chunks.Length), chunks.Select(c => c.Key));
        var borders = chunks.Skip(1).Select(c => c.First().Span.Start).ToArray();
        Assert.All(borders, start => Assert.Equal('.', text[..start].TrimEnd()[^1]));
        Assert.All(chunks, c => Assert.True(tokens.Count(t => t.Span.Start >= c.First().Span.Start && t.Span.End <= c.Last().Span.End) <= 510));

        // Each chunk was classified in its own context: scoring its text alone gives the same words and scores.
        foreach (var chunk in chunks)
        {
            var start = chunk.First().Span.Start;
            var alone = scorer.Score([text[start..chunk.Last().Span.End]])[0].Words;
            Assert.Equal(chunk.Select(w => w.Form), alone.Select(w => w.Form));
            Assert.All(chunk.Zip(alone), p => Assert.True(Math.Abs(p.First.Score - p.Second.Score) < 1e-5));
        }

        // And the threshold is per chunk.
        var compressor = new CotCompressor(scorer, new CharCountTokenizer());
        var result = compressor.Compress(text, new CompressionRatio(0.5));
        var expected = chunks.SelectMany(c =>
        {
            var first = words.ToList().IndexOf(c.First());
            var chunkWords = c.Select(w => new PruningWord(w.Form, w.Score, Cl100kTokenCounter.Count(w.Form), 0)).ToArray();
            return WordPruner.SelectKept(chunkWords, new CompressionRatio(0.5)).Select(i => first + i);
        });
        Assert.Equal(expected, result.KeptWordIndices);
    }

    [Fact]
    public void ScoringLeavesNoTensorAlive()
    {
        using var folder = new TempFolder();
        using var scorer = LlmLingua2Scorer.Load(TinyEncoders.WriteXlmRoberta(folder), maxBatchSize: 2);
        scorer.Score([Sentence]);

        var before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        scorer.Score([Sentence, "Step 1: 3+4=7.", Sentence]);

        Assert.Equal(before, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void CancellationStopsBetweenBatches()
    {
        using var folder = new TempFolder();
        using var scorer = LlmLingua2Scorer.Load(TinyEncoders.WriteXlmRoberta(folder));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() => scorer.Score([Sentence], cancellationToken: cancelled.Token));
    }

    [Fact]
    public void AFolderWithoutItsTokenizerIsNamed()
    {
        using var folder = new TempFolder();
        var path = TinyEncoders.WriteXlmRoberta(folder);
        File.Delete(Path.Combine(path, XlmRobertaTokenizer.FileName));

        var error = Assert.Throws<ModelFormatException>(() => LlmLingua2Scorer.Load(path));

        Assert.Contains("sentencepiece.bpe.model: file not found", error.Message);
    }

    [Fact]
    public void AVocabularyLargerThanTheModelIsRefused()
    {
        using var folder = new TempFolder();
        var path = TinyEncoders.WriteBert(folder);
        File.AppendAllLines(Path.Combine(path, WordPieceTokenizer.FileName), ["extra1", "extra2"]);

        var error = Assert.Throws<ModelFormatException>(() => LlmLingua2Scorer.Load(path));

        Assert.Contains("vocab_size", error.Message);
    }
}
