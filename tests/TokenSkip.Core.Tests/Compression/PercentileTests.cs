using TokenSkip.Core.Compression;
using Xunit;

namespace TokenSkip.Core.Tests.Compression;

public sealed class PercentileTests
{
    // Expected values printed by numpy 1.24's np.percentile (default linear method).
    [Theory]
    [InlineData(new[] { 0.1, 0.7, 0.3, 0.25, 0.9 }, 31, 0.262)]
    [InlineData(new[] { 3.0 }, 51, 3.0)]
    [InlineData(new[] { 0.1, 0.2 }, 10, 0.11000000000000001)]
    [InlineData(new[] { 0.9, 0.1, 0.5, 0.3 }, 51, 0.406)]
    public void MatchesNumpyBitForBit(double[] values, int percent, double expected)
    {
        Assert.Equal(expected, Percentile.Linear(values, percent));
    }

    [Fact]
    public void WeightsActAsRepetition()
    {
        double[] values = [0.9, 0.1, 0.5, 0.3];
        int[] weights = [1, 3, 1, 1];
        double[] expanded = [0.9, 0.1, 0.1, 0.1, 0.5, 0.3];

        Assert.Equal(Percentile.Linear(expanded, 51), Percentile.Weighted(values, weights, 51));
        Assert.Equal(0.20999999999999996, Percentile.Weighted(values, weights, 51));
    }

    [Fact]
    public void EqualNeighboursGiveExactlyTheirValue()
    {
        Assert.Equal(0.4, Percentile.Linear([0.2, 0.4, 0.4, 0.8], 51));
    }

    [Fact]
    public void EmptyOrNaNInputIsRejected()
    {
        Assert.Throws<ArgumentException>(() => Percentile.Linear([], 50));
        Assert.Throws<ArgumentException>(() => Percentile.Weighted([0.5], [0], 50));
        Assert.Throws<ArgumentException>(() => Percentile.Linear([0.5, double.NaN], 50));
    }
}
