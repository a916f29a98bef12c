using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using TokenSkip.Core.Answers;
using TokenSkip.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace TokenSkip.Core.Tests.Answers;

/// <summary>Extraction and scoring on the real GSM8K and MATH-500 test sets in ../shared.</summary>
public sealed partial class RealDatasetAnswerTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void EveryGsm8kRationaleWithTheTokenSkipAnswerSuffixScoresCorrect()
    {
        var rows = ReadJsonl("data/gsm8k/test.jsonl");
        Assert.Equal(1319, rows.Count);

        var wrong = rows.Where(r => !AnswerScorer.IsCorrect(r["cot"] + "\n\nThe final answer is: $\\boxed{" + r["answer"] + "}$", r["answer"]))
            .Select(r => r["id"]).ToArray();

        Assert.Empty(wrong);
    }

    [SkippableFact]
    public void Gsm8kRationalesAloneMostlyEndOnTheirAnswer()
    {
        // Without the suffix the last-number rule has to find the answer in the raw rationale ("...= $70,000").
        var rows = ReadJsonl("data/gsm8k/test.jsonl");

        var scores = rows.Select(r => (Row: r, Score: AnswerScorer.Score(CalculatorAnnotation().Replace(r["cot"], string.Empty), r["answer"]))).ToArray();
        var correct = scores.Count(s => s.Score.IsCorrect);

        output.WriteLine($"GSM8K rationale last number = answer: {correct}/{rows.Count}");
        foreach (var miss in scores.Where(s => !s.Score.IsCorrect).Take(10))
        {
            output.WriteLine($"  {miss.Row["id"]}: extracted {miss.Score.Prediction}, answer {miss.Row["answer"]}");
        }

        Assert.All(scores.Where(s => s.Score.IsCorrect), s => Assert.Equal(AnswerSource.LastNumber, s.Score.Source));
        Assert.True(correct >= 0.95 * rows.Count, $"only {correct}/{rows.Count}");
    }

    [SkippableFact]
    public void EveryMath500SolutionExtractsToItsAnswer()
    {
        var rows = ReadJsonl("data/math500/test.jsonl");
        Assert.Equal(500, rows.Count);

        var wrong = rows.Where(r => !AnswerScorer.IsCorrect(r["solution"], r["answer"], r["problem"])).ToArray();
        foreach (var row in wrong)
        {
            output.WriteLine($"{row["unique_id"]}: boxed {BoxedAnswers.FindLast(row["solution"])} vs answer {row["answer"]}");
        }

        output.WriteLine($"MATH-500 solution = answer: {rows.Count - wrong.Length}/{rows.Count}");
        Assert.Empty(wrong);
    }

    [SkippableFact]
    public void Math500AnswersRewrittenInOtherNotationsStillMatch()
    {
        // The ways models write the same answer differently: \dfrac for \frac, inline math, a trailing period,
        // no spaces (but "\\cot x" keeps its one), no \left/\right, an "x = " name before an answer that is no equation.
        var rows = ReadJsonl("data/math500/test.jsonl");
        var variants = new (string Name, Func<string, string> Rewrite)[]
        {
            ("dfrac", a => a.Replace("\\frac", "\\dfrac", StringComparison.Ordinal)),
            ("inline math + period", a => "$" + a + "$."),
            ("no spaces", a => SpaceOutsideControlWord().Replace(a, string.Empty)),
            ("no left/right", a => a.Replace("\\left", string.Empty, StringComparison.Ordinal).Replace("\\right", string.Empty, StringComparison.Ordinal)),
            ("named", a => a.Contains('=', StringComparison.Ordinal) || a.Contains("\\in", StringComparison.Ordinal) ? a : "x = " + a),
        };

        foreach (var (name, rewrite) in variants)
        {
            var misses = rows.Where(r => !AnswerScorer.IsCorrect("\\boxed{" + rewrite(r["answer"]) + "}", r["answer"], r["problem"]))
                .Select(r => r["unique_id"] + ": " + rewrite(r["answer"])).ToArray();
            Assert.True(misses.Length == 0, $"{name}: {string.Join(" | ", misses)}");
        }
    }

    [SkippableFact]
    public void Math500NumericAnswersMatchTheirDecimalValue()
    {
        // Every answer the evaluator reads as a number must also match that number written as a decimal
        // (\frac{14}{3} = 4.6667, 2\sqrt{5} = 4.4721, 90^\circ = 90), and not a nearby wrong one.
        var rows = ReadJsonl("data/math500/test.jsonl");
        var numeric = 0;
        foreach (var row in rows)
        {
            if (!TryValue(row["answer"], out var value))
            {
                continue;
            }

            numeric++;
            var decimalText = Math.Round(value, 4).ToString("0.####", CultureInfo.InvariantCulture);
            Assert.True(AnswerScorer.IsCorrect($"\\boxed{{{decimalText}}}", row["answer"]), $"{row["unique_id"]}: {row["answer"]} vs {decimalText}");
            var off = (value + 0.01 + (0.01 * Math.Abs(value))).ToString("R", CultureInfo.InvariantCulture);
            Assert.False(AnswerScorer.IsCorrect($"\\boxed{{{off}}}", row["answer"]), $"{row["unique_id"]}: {row["answer"]} vs {off}");
        }

        output.WriteLine($"MATH-500 answers with a numeric value: {numeric}/{rows.Count}");
        Assert.True(numeric >= 350, $"only {numeric} numeric answers recognised");
    }

    private static bool TryValue(string answer, out double value)
    {
        value = double.NaN;
        if (!MathExpressionParser.TryParse(AnswerNormalizer.Normalize(answer), out var expression) || expression.Variables.Count > 0)
        {
            return false;
        }

        value = expression.Evaluate(_ => double.NaN);
        return double.IsFinite(value);
    }

    private static List<Dictionary<string, string>> ReadJsonl(string relativePath)
    {
        var path = SharedAssets.Require(relativePath);
        return File.ReadLines(path)
            .Where(line => line.Length > 0)
            .Select(line => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(line)!
                .ToDictionary(kv => kv.Key, kv => kv.Value.ValueKind == JsonValueKind.String ? kv.Value.GetString()! : kv.Value.ToString()))
            .ToList();
    }

    [GeneratedRegex(@"(?<!\\[a-zA-Z]+) ")]
    private static partial Regex SpaceOutsideControlWord();

    [GeneratedRegex(@"<<[^<>]*>>")]
    private static partial Regex CalculatorAnnotation();
}
