using System.Globalization;
using System.Text.RegularExpressions;
using TokenSkip.Pipeline.Synthetic;
using Xunit;

namespace TokenSkip.Pipeline.Tests.Synthetic;

public sealed partial class WordProblemGeneratorTests
{
    [Fact]
    public void TheSameSeedGivesTheSameProblemsAndOtherSeedsDiffer()
    {
        var a = WordProblemGenerator.Generate(1, 50).ToList();
        var b = WordProblemGenerator.Generate(1, 50).ToList();
        var c = WordProblemGenerator.Generate(2, 50).ToList();

        Assert.Equal(a, b);
        Assert.NotEqual(a.Select(p => p.Question), c.Select(p => p.Question));
    }

    [Fact]
    public void EveryEquationIsExactAndTheBoxedAnswerIsTheLastResult()
    {
        var operations = new HashSet<string>();
        foreach (var problem in WordProblemGenerator.Generate(7, 600))
        {
            var equations = Equation().Matches(problem.Cot);
            Assert.InRange(equations.Count, WordProblemGenerator.MinSteps, WordProblemGenerator.MaxSteps);
            foreach (Match m in equations)
            {
                var left = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                var right = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
                var result = int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture);
                var op = m.Groups[2].Value;
                operations.Add(op);
                var expected = op switch { "+" => left + right, "-" => left - right, "×" => left * right, _ => left / right };
                Assert.True(op != "÷" || left % right == 0, $"inexact division in: {problem.Cot}");
                Assert.True(result == expected && result >= 0, $"wrong step '{m.Value}' in: {problem.Cot}");
                Assert.True(Math.Max(result, Math.Max(left, right)) <= WordProblemGenerator.DefaultLargestNumber, $"number above the bound in: {problem.Cot}");
            }

            Assert.Equal(equations[^1].Groups[4].Value, problem.Answer);
            Assert.EndsWith($"\n\nThe final answer is: $\\boxed{{{problem.Answer}}}$", problem.Cot);
            Assert.EndsWith("?", problem.Question);
        }

        Assert.Equal(["+", "-", "×", "÷"], operations.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ExcludedQuestionsNeverAppearAndQuestionsAreUnique()
    {
        var train = WordProblemGenerator.Generate(11, 2000).Select(p => p.Question).ToHashSet();
        var test = WordProblemGenerator.Generate(12, 500, train).ToList();

        Assert.Equal(2000, train.Count);
        Assert.Equal(500, test.Select(p => p.Question).Distinct().Count());
        Assert.DoesNotContain(test, p => train.Contains(p.Question));
    }

    [Fact]
    public void LargeSetsGenerateWithoutFailing()
    {
        // Every scenario's random draws stay in range over many problems (12,000 is the default model's training set).
        Assert.Equal(12000, WordProblemGenerator.Generate(1, 12000).Count());
    }

    [Fact]
    public void StoryShapesVary()
    {
        var openings = WordProblemGenerator.Generate(3, 300).Select(p => string.Join(' ', p.Question.Split(' ').Skip(1).Take(2))).Distinct().Count();
        Assert.True(openings > 10, $"only {openings} distinct openings");
    }

    [GeneratedRegex(@"(\d+) ([-+×÷]) (\d+) = (\d+)")]
    private static partial Regex Equation();
}
