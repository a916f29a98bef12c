using System.Globalization;
using TokenSkip.Core;
using Xunit;

namespace TokenSkip.Core.Tests;

public sealed class CompressionRatioTests
{
    [Theory]
    [InlineData(0.5, "0.5")]
    [InlineData(0.6, "0.6")]
    [InlineData(0.75, "0.75")]
    [InlineData(0.9, "0.9")]
    [InlineData(1.0, "1.0")]
    public void FormatsLikeTokenSkipTrainingDataInEveryCulture(double value, string expected)
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            Assert.Equal(expected, new CompressionRatio(value).ToString());
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Theory]
    [InlineData(0.49)]
    [InlineData(1.01)]
    [InlineData(0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void OutOfRangeValuesAreRejectedNotClamped(double value)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new CompressionRatio(value));
        Assert.Contains("compression_ratio must be between 0.5 and 1.0", error.Message);
    }

    [Fact]
    public void ParsesInvariantTextAndExplainsFailures()
    {
        Assert.Equal(0.7, CompressionRatio.Parse("0.7").Value);
        Assert.Contains("'0,7' is not a number", Assert.Throws<FormatException>(() => CompressionRatio.Parse("0,7")).Message);
        Assert.Contains("between 0.5 and 1.0", Assert.Throws<FormatException>(() => CompressionRatio.Parse("0.3")).Message);
        Assert.False(CompressionRatio.TryParse("abc", out _));
    }

    [Fact]
    public void DefaultMeansUncompressedAndEqualityIsByValue()
    {
        Assert.True(default(CompressionRatio).IsUncompressed);
        Assert.Equal(CompressionRatio.Uncompressed, default);
        Assert.Equal(new CompressionRatio(0.6), new CompressionRatio(0.6000000001));
        Assert.True(new CompressionRatio(0.5) < new CompressionRatio(0.9));
        Assert.Equal([1.0, 0.9, 0.8, 0.7, 0.6, 0.5], CompressionRatio.TrainingRatios.Select(r => r.Value));
    }
}
