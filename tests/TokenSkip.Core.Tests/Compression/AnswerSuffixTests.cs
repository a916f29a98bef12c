using TokenSkip.Core.Compression;
using Xunit;

namespace TokenSkip.Core.Tests.Compression;

public sealed class AnswerSuffixTests
{
    [Fact]
    public void SplitsAtTheFirstMarker()
    {
        const string text = "16 - 3 = 13.\n\nThe final answer is: $\\boxed{13}$\n\nThe final answer is: 13";

        var (body, suffix) = AnswerSuffix.Split(text);

        Assert.Equal("16 - 3 = 13.", body);
        Assert.Equal("\n\nThe final answer is: $\\boxed{13}$\n\nThe final answer is: 13", suffix);
    }

    [Fact]
    public void TextWithoutTheMarkerIsAllBody()
    {
        Assert.Equal(("So \\boxed{13}.", string.Empty), AnswerSuffix.Split("So \\boxed{13}."));
        Assert.Equal(("The final answer is: 3", string.Empty), AnswerSuffix.Split("The final answer is: 3"));
    }
}
