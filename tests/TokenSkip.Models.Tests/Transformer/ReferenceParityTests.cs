using TokenSkip.Core.Generation;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Transformer;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TokenSkip.Models.Tests.Transformer;

/// <summary>
/// Numerical parity with independent reference implementations, on the real stories260K model and the tiny
/// random Qwen2 / Llama 3.1 fixtures in ../shared.
/// </summary>
public sealed class ReferenceParityTests
{
    [SkippableTheory]
    [InlineData("fixtures/qwen2-tiny-tied")]
    [InlineData("fixtures/qwen2-tiny-untied")]
    [InlineData("fixtures/llama3-tiny-ropescaled")]
    public void PrefillLogitsMatchReferenceRows(string fixtureFolder)
    {
        var fixture = ReferenceFixture.Load(fixtureFolder);
        var expected = fixture.Case("prefill_logits");
        using var model = CausalLanguageModel.Load(fixture.Folder);
        var ids = ReferenceFixture.Ints(expected.GetProperty("input_ids"));

        using var scope = NewDisposeScope();
        var logits = model.Forward(tensor(ids.Select(i => (long)i).ToArray()).unsqueeze(0))[0];
        foreach (var row in expected.GetProperty("logits_rows").EnumerateObject())
        {
            var want = ReferenceFixture.Floats(row.Value);
            var got = logits[int.Parse(row.Name)].data<float>().ToArray();
            Assert.Equal(want.Length, got.Length);
            var maxDiff = want.Zip(got, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(maxDiff <= 1e-3, $"row {row.Name}: max |diff| {maxDiff}");
        }

        var argmax = logits.argmax(-1).data<long>().Select(v => (int)v).ToArray();
        Assert.Equal(ReferenceFixture.Ints(expected.GetProperty("argmax_per_position")), argmax);
    }

    [SkippableTheory]
    [InlineData("fixtures/qwen2-tiny-tied", "greedy_short")]
    [InlineData("fixtures/qwen2-tiny-tied", "greedy_long")]
    [InlineData("fixtures/qwen2-tiny-untied", "greedy_short")]
    [InlineData("fixtures/qwen2-tiny-untied", "greedy_long")]
    [InlineData("fixtures/llama3-tiny-ropescaled", "greedy")]
    [InlineData("models/stories260k", "from_bos")]
    [InlineData("models/stories260k", "prompt")]
    public void GreedyIdsMatchReference(string fixtureFolder, string caseName)
    {
        var fixture = ReferenceFixture.Load(fixtureFolder);
        var expected = fixture.Case(caseName);
        var prompt = ReferenceFixture.Ints(expected.GetProperty("prompt_ids"));
        var greedy = ReferenceFixture.Ints(expected.GetProperty("greedy_ids"));
        using var model = CausalLanguageModel.Load(fixture.Folder);
        var generator = new TextGenerator(model);

        var result = generator.Generate(prompt, new GenerationOptions { MaxNewTokens = greedy.Length - prompt.Length });

        Assert.Equal(greedy[prompt.Length..], result.OutputIds);
    }

    [SkippableFact]
    public void Stories260kLastLogitsAndArgmaxMatchReference()
    {
        var fixture = ReferenceFixture.Load("models/stories260k");
        var expected = fixture.Case("logits");
        using var model = CausalLanguageModel.Load(fixture.Folder);
        var ids = ReferenceFixture.Ints(expected.GetProperty("input_ids"));

        using var scope = NewDisposeScope();
        var logits = model.Forward(tensor(ids.Select(i => (long)i).ToArray()).unsqueeze(0))[0];
        var last = logits[-1].data<float>().ToArray();
        var want = ReferenceFixture.Floats(expected.GetProperty("last_logits"));
        var maxDiff = want.Zip(last, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDiff <= 1e-4, $"max |diff| {maxDiff}");
        Assert.Equal(ReferenceFixture.Ints(expected.GetProperty("argmax_per_position")),
            logits.argmax(-1).data<long>().Select(v => (int)v).ToArray());
    }
}
