using TokenSkip.Core.Answers;
using Xunit;

namespace TokenSkip.Core.Tests.Answers;

/// <summary>Equivalence on raw answers as a model or dataset writes them (normalised first, as the scorer does).</summary>
public sealed class AnswerEquivalenceTests
{
    [Theory]
    [InlineData("\\dfrac{1}{2}", "\\frac{1}{2}")]
    [InlineData("\\frac12", "\\frac{1}{2}")]
    [InlineData("1/2", "\\frac{1}{2}")]
    [InlineData("0.5", "\\frac{1}{2}")]
    [InlineData("0.5", "1/2")]
    [InlineData("0.3333", "\\frac{1}{3}")]
    [InlineData("\\frac{\\sqrt{3}}{2}", "0.866")]
    [InlineData("2\\sqrt{2}", "\\sqrt{8}")]
    [InlineData("18", "18.0")]
    [InlineData("18.0004", "18")]
    [InlineData("1,080", "1080")]
    [InlineData("\\$1,080.00", "1080")]
    [InlineData("-7", "−7")]
    [InlineData("18 \\text{ dollars}", "18")]
    [InlineData("5.4\\text{ cents}", "5.4")]
    [InlineData("90^\\circ", "90")]
    [InlineData("50\\%", "50")]
    [InlineData("50\\%", "0.5")]
    [InlineData("50%", "\\frac{1}{2}")]
    [InlineData("\\text{(C)}", "C")]
    [InlineData("\\text{Evelyn}", "Evelyn")]
    [InlineData("x=5", "5")]
    [InlineData("5", "k = 5")]
    [InlineData("y=2x+1", "2x-y+1=0")]
    [InlineData("(x+1)^2", "x^2+2x+1")]
    [InlineData("p - q", "-q+p")]
    [InlineData("\\pi r^2", "r^{2}\\pi")]
    [InlineData("2\\frac{1}{4}", "\\frac{9}{4}")]
    [InlineData("2^10", "1024")]
    [InlineData("\\left( 3, \\frac{\\pi}{2} \\right)", "(3,\\frac{\\pi}{2})")]
    [InlineData("(3, 1.5708)", "\\left( 3, \\frac{\\pi}{2} \\right)")]
    [InlineData("(-\\infty, 0) \\cup (1, \\infty)", "(1,\\infty)\\cup(-\\infty,0)")]
    [InlineData("\\begin{pmatrix} 1 \\\\ 0.5 \\end{pmatrix}", "\\begin{pmatrix} 1 \\\\ \\frac{1}{2} \\end{pmatrix}")]
    [InlineData("5!", "120")]
    public void EquivalentFormsMatch(string prediction, string reference) =>
        Assert.True(Equivalent(prediction, reference), $"{prediction} should equal {reference}");

    [Theory]
    [InlineData("18", "19")]
    [InlineData("18", "0.18")]
    [InlineData("18", "1800")]
    [InlineData("18.01", "18")]
    [InlineData("1,2", "12")]
    [InlineData("-5", "5")]
    [InlineData("\\frac{1}{3}", "0.33")]
    [InlineData("(0,1]", "[0,1)")]
    [InlineData("(1,2)", "(2,1)")]
    [InlineData("x+1", "x+1.01")]
    [InlineData("\\text{Evelyn}", "Evelny")]
    [InlineData("\\text{(C)}", "D")]
    [InlineData("xy", "x")]
    [InlineData("\\infty", "-\\infty")]
    [InlineData("", "")]
    [InlineData("5", "")]
    public void DifferentAnswersDoNotMatch(string prediction, string reference) =>
        Assert.False(Equivalent(prediction, reference), $"{prediction} should differ from {reference}");

    [Fact]
    public void SetsMatchInAnyOrderButNeedEveryElement()
    {
        Assert.True(AnswerEquivalence.SameSets(["-2", "1"], ["1", "-2"]));
        Assert.False(AnswerEquivalence.SameSets(["1"], ["1", "-2"]));
        Assert.False(AnswerEquivalence.SameSets(["1", "-2", "3"], ["1", "-2"]));
        Assert.False(AnswerEquivalence.SameSets([], ["1"]));
    }

    private static bool Equivalent(string prediction, string reference) =>
        AnswerEquivalence.AreEquivalent(AnswerNormalizer.Normalize(prediction), AnswerNormalizer.Normalize(reference));
}
