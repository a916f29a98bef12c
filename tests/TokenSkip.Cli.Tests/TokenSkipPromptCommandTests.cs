using System.Text.Json;
using TokenSkip.TestSupport;
using Xunit;

using TokenSkip.TestSupport.Models;

namespace TokenSkip.Cli.Tests;

/// <summary><c>generate --ratio</c> sends exactly TokenSkip's Qwen2.5 prompt (checked against the reference token ids).</summary>
public sealed class TokenSkipPromptCommandTests
{
    private const string Natalia = "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?";

    [SkippableFact]
    public async Task RatioPromptTokenizesToTheReferenceIds()
    {
        using var cases = JsonDocument.Parse(File.ReadAllText(SharedAssets.Require("fixtures/qwen-tokenizer/cases.json")));
        var expected = cases.RootElement.GetProperty("cases").EnumerateArray()
            .Single(c => c.GetProperty("text").GetString()!.Contains(Natalia + "<|eot_id|>0.6<|eot_id|>", StringComparison.Ordinal))
            .GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        using var folder = new TempFolder();
        TinyQwen.WriteWithQwenTokenizer(folder.Path);

        var (code, output, error) = await CliRunner.RunAsync("generate", "-m", folder.Path, "--prompt", Natalia, "--ratio", "0.6", "--max-tokens", "2", "--json");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(expected, json.RootElement.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()));
        Assert.True(json.RootElement.TryGetProperty("text", out _));
    }

    [Fact]
    public async Task RatioOutsideTheTrainedRangeIsRejected()
    {
        var (code, _, error) = await CliRunner.RunAsync("generate", "-m", "/tmp", "--prompt", "q", "--ratio", "0.3");

        Assert.Equal(1, code);
        Assert.Contains("compression_ratio must be between 0.5 and 1.0", error);
    }
}
