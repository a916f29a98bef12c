using TokenSkip.Core.Calibration;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Core.Tests.Calibration;

/// <summary>A damaged tokenskip.json is a <see cref="FormatException"/> whose message starts with the file's path.</summary>
public sealed class ModelCardLoadTests
{
    [Theory]
    [InlineData("not json {")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[1, 2]")]
    [InlineData("""{"trained_ratios": "all of them"}""")]
    public void ADamagedCardNamesItsFile(string content)
    {
        using var folder = new TempFolder();
        var path = folder.Combine(ModelCard.FileName);
        File.WriteAllText(path, content);

        var error = Assert.Throws<FormatException>(() => ModelCard.TryLoad(folder.Path));

        Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains("model card", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFolderWithoutACardHasNone()
    {
        using var folder = new TempFolder();

        Assert.Null(ModelCard.TryLoad(folder.Path));
    }
}
