using System.Text.Json;
using TokenSkip.Models;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Cli.Tests;

public sealed class ExportCommandTests
{
    [SkippableFact]
    public async Task ExportedGgufGeneratesWhatTheFolderGenerates()
    {
        var folder = DefaultModel.Find();
        Skip.If(folder is null, "the embedded model is not built");
        using var temp = new TempFolder();
        var path = temp.Combine("tokenskip-q8.gguf");

        var (code, output, error) = await CliRunner.RunAsync("export", "gguf", "--model", folder!, "--type", "q8_0", "--output", path);

        Assert.True(code == 0, error);
        Assert.Contains("tokenskip-q8.gguf", output);
        var fromFile = await Generate(path);
        var fromFolder = await Generate(folder!, "--quantize", "q8_0");
        Assert.Equal(fromFolder, fromFile);
    }

    [Theory]
    [InlineData("q4_k_m", "--type q4_k_m is not supported yet (supported: f32, f16, bf16, q8_0, q4_0)")]
    [InlineData("q3", "--type q3 is not one of f32, f16, bf16, q8_0, q4_0")]
    public async Task UnsupportedTypesAreRefused(string type, string expected)
    {
        var (code, _, error) = await CliRunner.RunAsync("export", "gguf", "--model", "/tmp", "--type", type, "--output", "/tmp/never.gguf");

        Assert.NotEqual(0, code);
        Assert.Contains(expected, error);
    }

    private static async Task<string> Generate(string model, params string[] extra)
    {
        var (code, output, error) = await CliRunner.RunAsync(["generate", "--model", model, "--prompt", "Natalia sold clips to 48 of her friends", "--max-tokens", "12", "--json", .. extra]);
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        return json.RootElement.GetProperty("text").GetString()!;
    }
}
