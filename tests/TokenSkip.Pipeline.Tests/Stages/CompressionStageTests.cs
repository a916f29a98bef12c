using TokenSkip.Core.IO;
using TokenSkip.Models.Compression;
using TokenSkip.Models.Tokenization;
using TokenSkip.Pipeline.Data;
using TokenSkip.Pipeline.Stages;
using TokenSkip.Pipeline.Synthetic;
using TokenSkip.TestSupport;
using Xunit;

using TokenSkip.TestSupport.Models;

namespace TokenSkip.Pipeline.Tests.Stages;

public sealed class CompressionStageTests
{
    private static readonly FilteredRecord[] Records = WordProblemGenerator.Generate(21, 5)
        .Select((p, i) => new FilteredRecord($"r{i}", p.Question, p.Answer, p.Answer, p.Cot[..p.Cot.IndexOf("\n\nThe final answer is", StringComparison.Ordinal)], 0))
        .ToArray();

    [Fact]
    public void EveryRecordIsCompressedAtEveryRatioCloseToTheRequestedRatio()
    {
        using var folder = new TempFolder();
        var tokenizer = HfTokenizer.Load(TinyQwen.Write(folder.Combine("model")));
        using var scorer = new RandomScorer(seed: 3);
        var output = folder.Combine("compressed.jsonl");

        var written = new CompressionStage(new CotCompressor(scorer, tokenizer)).Run(Records, output);
        var results = JsonLines.Read<CompressedRecord>(output).ToList();

        Assert.Equal(25, written);
        Assert.Equal(25, results.Select(r => (r.Id, r.Gamma)).Distinct().Count());
        foreach (var group in results.GroupBy(r => r.Gamma))
        {
            var mean = group.Average(r => r.ActualRatio);
            Assert.True(Math.Abs(mean - group.Key) < 0.15, $"γ={group.Key}: mean actual ratio {mean:F2}");
        }

        Assert.All(results, r => Assert.Equal(tokenizer.Encode(r.CompressedCot).Count, r.CompressedTokens));
        var provenance = Provenance.ReadFor(output)!;
        Assert.Equal("random", provenance.Scorer);
        Assert.Equal([0.9, 0.8, 0.7, 0.6, 0.5], provenance.Ratios!);
    }

    [Fact]
    public void AResumeRecomputesOnlyMissingPairsAndGivesTheSameResults()
    {
        using var folder = new TempFolder();
        var tokenizer = HfTokenizer.Load(TinyQwen.Write(folder.Combine("model")));
        using var scorer = new RandomScorer(seed: 3);
        var stage = new CompressionStage(new CotCompressor(scorer, tokenizer), batchSize: 2);
        var output = folder.Combine("compressed.jsonl");
        stage.Run(Records, output);
        var complete = JsonLines.Read<CompressedRecord>(output).ToList();

        File.WriteAllLines(output, File.ReadAllLines(output)[..17]);
        var again = stage.Run(Records, output);

        Assert.Equal(8, again);
        Assert.Equal(
            complete.OrderBy(r => r.Id).ThenBy(r => r.Gamma).Select(r => r.CompressedCot),
            JsonLines.Read<CompressedRecord>(output).OrderBy(r => r.Id).ThenBy(r => r.Gamma).Select(r => r.CompressedCot));
    }

    [Fact]
    public void SurprisalFromTheTargetModelDropsPredictableWordsFirst()
    {
        using var folder = new TempFolder();
        var modelFolder = TinyQwen.Write(folder.Combine("model"));
        using var scorer = SurprisalScorer.Load(modelFolder);
        var output = folder.Combine("compressed.jsonl");

        new CompressionStage(new CotCompressor(scorer, HfTokenizer.Load(modelFolder)), [new Core.CompressionRatio(0.5)]).Run(Records[..2], output);
        var results = JsonLines.Read<CompressedRecord>(output).ToList();

        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.InRange(r.ActualRatio, 0.3, 0.75));
        Assert.Equal("surprisal", Provenance.ReadFor(output)!.Scorer);
    }
}
