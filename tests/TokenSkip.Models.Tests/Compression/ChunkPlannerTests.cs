using TokenSkip.Models.Compression;
using Xunit;

namespace TokenSkip.Models.Tests.Compression;

public sealed class ChunkPlannerTests
{
    private static readonly IReadOnlySet<string> Ends = LlmLingua2Scorer.ChunkEndTokens;

    private static string[] Pieces(int count, params int[] periods) =>
        Enumerable.Range(0, count).Select(i => periods.Contains(i) ? "." : "▁w").ToArray();

    [Fact]
    public void ShortTextsAreOneChunk()
    {
        Assert.Equal([(0, 510)], ChunkPlanner.Plan(Pieces(510, 100), 510, Ends));
    }

    [Fact]
    public void CutsJustAfterTheLastEndTokenInTheWindow()
    {
        var chunks = ChunkPlanner.Plan(Pieces(1200, 100, 300, 700), 510, Ends);

        Assert.Equal([(0, 301), (301, 400), (701, 499)], chunks);
    }

    [Fact]
    public void WithoutAnEndTokenTheReferenceCutsAfter511Tokens()
    {
        // The look-back starts at start + 510 (inclusive), so a chunk can hold 511 tokens.
        Assert.Equal([(0, 511), (511, 489)], ChunkPlanner.Plan(Pieces(1000), 510, Ends));
        Assert.Equal([(0, 511), (511, 489)], ChunkPlanner.Plan(Pieces(1000, 510), 510, Ends));
    }

    [Fact]
    public void AnEndTokenAtTheWindowStartIsNotUsed()
    {
        // The look-back stops at start + 1: a period at the very start of the window cannot end the chunk.
        Assert.Equal([(0, 511), (511, 100)], ChunkPlanner.Plan(Pieces(611, 0), 510, Ends));
    }

    [Fact]
    public void FiveHundredElevenTokensFitOneChunkButAnEarlierPeriodStillCuts()
    {
        Assert.Equal([(0, 511)], ChunkPlanner.Plan(Pieces(511), 510, Ends));
        Assert.Equal([(0, 12), (12, 500)], ChunkPlanner.Plan(Pieces(512, 11), 510, Ends));
    }

    [Fact]
    public void NewlineTokensEndChunksToo()
    {
        var pieces = Pieces(600);
        pieces[250] = "\n";

        Assert.Equal([(0, 251), (251, 349)], ChunkPlanner.Plan(pieces, 510, Ends));
    }
}
