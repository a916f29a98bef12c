using TokenSkip.Pipeline.Evaluation;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Pipeline.Tests.Evaluation;

public sealed class EvaluationDatasetTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Gsm8kLayoutIsDetectedFromTheQuestionField()
    {
        var dataset = EvaluationDataset.Load(Write("""
            {"question": "How many?", "answer": "1,080", "cot": "...", "id": "gsm8k-test-0"}

            {"question": "And now?", "answer": 7}
            """));

        Assert.Equal(DatasetLayout.Gsm8k, dataset.Layout);
        Assert.Equal([new EvaluationSample("gsm8k-test-0", "How many?", "1,080"), new EvaluationSample("line-3", "And now?", "7")], dataset.Samples);
    }

    [Fact]
    public void MathLayoutIsDetectedFromTheProblemFieldAndUsesUniqueIds()
    {
        var dataset = EvaluationDataset.Load(Write("""
            {"problem": "Compute $1+1$.", "solution": "$\\boxed{2}$", "answer": "2", "unique_id": "test/algebra/1.json"}
            """));

        Assert.Equal(DatasetLayout.Math, dataset.Layout);
        Assert.Equal(new EvaluationSample("test/algebra/1.json", "Compute $1+1$.", "2"), Assert.Single(dataset.Samples));
    }

    [Fact]
    public void LimitKeepsTheFirstRows()
    {
        var path = Write(string.Join("\n", Enumerable.Range(0, 5).Select(i => $"{{\"question\": \"q{i}\", \"answer\": \"{i}\"}}")));

        Assert.Equal(["q0", "q1"], EvaluationDataset.Load(path, limit: 2).Samples.Select(s => s.Question));
    }

    [Theory]
    [InlineData("{\"question\": \"q\"}", "data.jsonl:1: field \"answer\" is missing")]
    [InlineData("{\"question\": \"q\", \"answer\": \"1\"}\n{\"answer\": \"2\"}", "data.jsonl:2: field \"question\" is missing")]
    [InlineData("{\"text\": \"q\", \"answer\": \"1\"}", "data.jsonl:1: no \"question\" (GSM8K layout) or \"problem\" (MATH-500 layout) field")]
    [InlineData("{\"question\": [\"q\"], \"answer\": \"1\"}", "data.jsonl:1: field \"question\" must be a string, not array")]
    [InlineData("[1, 2]", "data.jsonl:1: expected a JSON object")]
    [InlineData("{\"question\": ", "data.jsonl:1: not valid JSON")]
    [InlineData("{\"question\": \"a\", \"answer\": \"1\", \"id\": \"x\"}\n{\"question\": \"b\", \"answer\": \"2\", \"id\": \"x\"}", "data.jsonl:2: id \"x\" appears twice")]
    [InlineData("\n\n", "data.jsonl: no rows")]
    public void MalformedRowsAreNamedByFileLineAndField(string content, string expected)
    {
        var error = Assert.Throws<FormatException>(() => EvaluationDataset.Load(Write(content)));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void AMissingFileIsNamed() =>
        Assert.Contains("nope.jsonl: file not found", Assert.Throws<FileNotFoundException>(() => EvaluationDataset.Load(_folder.Combine("nope.jsonl"))).Message);

    [SkippableTheory]
    [InlineData("data/gsm8k/test.jsonl", DatasetLayout.Gsm8k, 1319, "gsm8k-test-0", "18")]
    [InlineData("data/math500/test.jsonl", DatasetLayout.Math, 500, "test/precalculus/807.json", "\\left( 3, \\frac{\\pi}{2} \\right)")]
    public void TheSharedBenchmarksLoad(string relativePath, DatasetLayout layout, int rows, string firstId, string firstAnswer)
    {
        var dataset = EvaluationDataset.Load(SharedAssets.Require(relativePath));

        Assert.Equal(layout, dataset.Layout);
        Assert.Equal(rows, dataset.Samples.Count);
        Assert.Equal((firstId, firstAnswer), (dataset.Samples[0].Id, dataset.Samples[0].Answer));
    }

    private string Write(string content)
    {
        var path = _folder.Combine("data.jsonl");
        File.WriteAllText(path, content);
        return path;
    }
}
