using TokenSkip.Core.Answers;
using Xunit;

namespace TokenSkip.Core.Tests.Answers;

public sealed class AnswerNormalizerTests
{
    [Theory]
    [InlineData("\\dfrac{3}{4}", "\\frac{3}{4}")]
    [InlineData("\\tfrac34", "\\frac{3}{4}")]
    [InlineData("\\frac1{72}", "\\frac{1}{72}")]
    [InlineData("3/4", "\\frac{3}{4}")]
    [InlineData("-3/4", "\\frac{-3}{4}")]
    [InlineData("\\$18.00", "18")]
    [InlineData("$18$", "18")]
    [InlineData("18.", "18")]
    [InlineData("5.4 \\text{ cents}", "5.4")]
    [InlineData("10\\text{ cm}^2", "10")]
    [InlineData("\\frac{270}7\\text{ degrees}", "\\frac{270}{7}")]
    [InlineData("\\text{Evelyn}", "Evelyn")]
    [InlineData("\\text{(C)}", "(C)")]
    [InlineData("90^\\circ", "90")]
    [InlineData("90^{\\circ}", "90")]
    [InlineData("45°", "45")]
    [InlineData("25\\%", "25%")]
    [InlineData("10,\\!080", "10080")]
    [InlineData("11,\\! 111,\\! 111,\\! 100", "11111111100")]
    [InlineData("1,080", "1080")]
    [InlineData("1,-2", "1,-2")]
    [InlineData("(0,100)", "(0,100)")]
    [InlineData("\\left( 3, \\frac{\\pi}{2} \\right)", "(3,\\frac{\\pi}{2})")]
    [InlineData("x \\in [-2,7]", "[-2,7]")]
    [InlineData("(-infinity, 0]", "(-\\infty,0]")]
    [InlineData("\\sqrt2", "\\sqrt{2}")]
    [InlineData(".5", "0.5")]
    [InlineData("2\\cdot 3", "2*3")]
    [InlineData("\\mathbf{A}", "A")]
    [InlineData("2 \\pi r", "2\\pi r")]
    [InlineData("−7", "-7")]
    [InlineData("", "")]
    public void NormalisesToTheCanonicalForm(string answer, string expected) =>
        Assert.Equal(expected, AnswerNormalizer.Normalize(answer));
}
