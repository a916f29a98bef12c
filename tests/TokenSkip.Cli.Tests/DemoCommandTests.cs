using TokenSkip.TestSupport;
using TokenSkip.TestSupport.Models;
using Xunit;

namespace TokenSkip.Cli.Tests;

public sealed class DemoCommandTests
{
    [Fact]
    public async Task AnswersEachProblemAtEachRatioAndSummarises()
    {
        using var folder = new TempFolder();
        var model = TinyQwen.Write(folder.Combine("model"));

        var (code, output, error) = await CliRunner.RunAsync("demo", "-m", model, "-n", "2", "--ratios", "1.0,0.5", "--seed", "7");

        Assert.True(code == 0, error);
        Assert.Contains("2 fresh problems (seed 7)", output);
        Assert.Equal(4, output.Split('\n').Count(l => l.TrimStart().StartsWith("γ=", StringComparison.Ordinal) && l.Contains("CoT tokens", StringComparison.Ordinal) && !l.Contains("accuracy", StringComparison.Ordinal)));
        Assert.Contains("γ=1.0  accuracy", output);
        Assert.Contains("γ=0.5  accuracy", output);
    }

    [Fact]
    public async Task WithoutTheEmbeddedModelItSaysHowToGetOne()
    {
        var previous = Environment.GetEnvironmentVariable("TOKENSKIP_DEFAULT_MODEL");
        Environment.SetEnvironmentVariable("TOKENSKIP_DEFAULT_MODEL", "/nonexistent/default-model");
        try
        {
            var (code, _, error) = await CliRunner.RunAsync("demo");

            Assert.Equal(1, code);
            Assert.Contains("embedded default model", error);
        }
        finally
        {
            Environment.SetEnvironmentVariable("TOKENSKIP_DEFAULT_MODEL", previous);
        }
    }
}
