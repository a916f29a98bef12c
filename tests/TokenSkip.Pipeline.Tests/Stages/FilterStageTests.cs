using TokenSkip.Core.IO;
using TokenSkip.Models.Tokenization;
using TokenSkip.Pipeline.Data;
using TokenSkip.Pipeline.Stages;
using TokenSkip.TestSupport;
using Xunit;

using TokenSkip.TestSupport.Models;

namespace TokenSkip.Pipeline.Tests.Stages;

public sealed class FilterStageTests
{
    [Fact]
    public void KeepsCorrectShortStoppedAnswersWithTheirCotAndPrediction()
    {
        using var folder = new TempFolder();
        var tokenizer = HfTokenizer.Load(TinyQwen.Write(folder.Combine("model")));
        var longCot = string.Join(" ", Enumerable.Repeat("and then we add more apples", 40));
        TrajectoryRecord[] trajectories =
        [
            new("a", "Q1?", "18", "She has 9 + 9 = 18 apples.\n\nThe final answer is: $\\boxed{18}$", 10, 20, "stop"),
            new("b", "Q2?", "18", "She has 9 + 8 = 17 apples.\n\nThe final answer is: $\\boxed{17}$", 10, 20, "stop"),
            new("c", "Q3?", "5", "So the total is \\boxed{5}.", 10, 8, "stop"),
            new("d", "Q4?", "5", "We get 5 so \\boxed{5}", 10, 512, "length"),
            new("e", "Q5?", "7", longCot + " = 7.\n\nThe final answer is: $\\boxed{7}$", 10, 300, "stop"),
            new("f", "Q6?", "1,080", "The total is 1080.", 10, 6, "stop"),
        ];
        var output = folder.Combine("filtered.jsonl");

        var summary = FilterStage.Run(trajectories, tokenizer, output, new FilterOptions { MaxCotTokens = 100 });
        var kept = JsonLines.Read<FilteredRecord>(output).ToList();

        Assert.Equal(new FilterSummary(6, 1, 1, 1, 3), summary);
        Assert.Equal(["a", "c", "f"], kept.Select(k => k.Id));
        Assert.Equal("She has 9 + 9 = 18 apples.", kept[0].Cot);
        Assert.Equal("So the total is \\boxed{5}.", kept[1].Cot); // no answer lead: the whole output is the CoT
        Assert.Equal("1080", kept[2].Prediction);
        Assert.Equal(tokenizer.Encode(kept[0].Cot).Count, kept[0].CotTokens);
        Assert.Equal("filter", Provenance.ReadFor(output)!.Stage);
        Assert.Equal(5.0 / 6, summary.Accuracy, 6);
    }
}
