using Microsoft.SemanticKernel;
using TokenSkip.Core.Compression;
using TokenSkip.Core.Text;
using TokenSkip.Models.Compression;
using Xunit;

namespace TokenSkip.Plugins.Tests;

public sealed class CompressionPluginTests
{
    private const string Cot = "First we note that Ann has 3 bags and each bag holds 4 apples so 3 × 4 = 12";

    [Fact]
    public async Task ShouldKeepTheMostImportantWordsAtTheRatioAsync()
    {
        var plugin = new CompressionPlugin(new CotCompressor(new LengthScorer(), new WordTokenizer()));

        var result = await plugin.CompressText(Cot + "\n\nThe final answer is: $\\boxed{12}$", 0.5);

        Assert.EndsWith("\n\nThe final answer is: $\\boxed{12}$", result.Text);
        Assert.Equal(0.5, result.RequestedRatio);
        Assert.InRange(result.ActualRatio, 0.3, 0.7);
        Assert.True(result.CompressedTokens < result.OriginalTokens);
        Assert.Contains("apples", result.Text);
        Assert.Equal("length", result.Scorer);
    }

    [Theory]
    [InlineData(0.4)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public async Task ShouldRejectRatiosOutsideTheTrainedRangeAsync(double ratio)
    {
        var plugin = new CompressionPlugin(new CotCompressor(new LengthScorer(), new WordTokenizer()));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => plugin.CompressText(Cot, ratio));
        Assert.Contains("ratio must be between 0.5 and 1.0", error.Message);
    }

    [Fact]
    public void ShouldBeAKernelFunctionNamedCompressText()
    {
        var functions = KernelPluginFactory.CreateFromObject(new CompressionPlugin(new CotCompressor(new LengthScorer(), new WordTokenizer())), "compression");

        var metadata = functions["compress_text"].Metadata;
        Assert.Equal(["text", "ratio"], metadata.Parameters.Select(p => p.Name));
        Assert.All(metadata.Parameters, p => Assert.False(string.IsNullOrEmpty(p.Description)));
    }

    /// <summary>Longer words matter more.</summary>
    private sealed class LengthScorer : IImportanceScorer
    {
        public string Name => "length";

        public string ModelPath => "/models/length";

        public double Ceiling => 1.0;

        public IReadOnlyList<ScoredText> Score(IReadOnlyList<string> texts, PruningOptions? options = null, CancellationToken cancellationToken = default) =>
            texts.Select(text => new ScoredText(text, WordSegmenter.Segment(text).Select(span =>
            {
                var form = text.Substring(span.Start, span.Length);
                return new ScoredWord(form, span, Math.Min(1.0, form.Length / 10.0), 0, WordSegmenter.HasSpaceBefore(text, span));
            }).ToArray())).ToArray();

        public void Dispose()
        {
        }
    }

    /// <summary>One token per whitespace-separated word.</summary>
    private sealed class WordTokenizer : ITextTokenizer
    {
        public int VocabularySize => 1;

        public IReadOnlyList<int> Encode(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(_ => 0).ToArray();

        public string Decode(IEnumerable<int> ids) => string.Empty;

        public bool TryGetTokenId(string token, out int id)
        {
            id = 0;
            return false;
        }
    }
}
