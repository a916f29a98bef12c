using System.Text.Json;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Cli.Tests;

public sealed class TokenizeCommandTests
{
    [SkippableFact]
    public async Task InputFileIdsMatchTheQwenReferenceInOrder()
    {
        var tokenizer = SharedAssets.Require("tokenizers/qwen2.5/tokenizer.json");
        using var cases = JsonDocument.Parse(File.ReadAllText(SharedAssets.Require("fixtures/qwen-tokenizer/cases.json")));
        var items = cases.RootElement.GetProperty("cases").EnumerateArray().ToArray();
        using var folder = new TempFolder();
        var input = folder.Combine("inputs.json");
        File.WriteAllText(input, JsonSerializer.Serialize(items.Select(c => c.GetProperty("text").GetString()).ToArray()));

        var (code, output, error) = await CliRunner.RunAsync("tokenize", "--tokenizer", Path.GetDirectoryName(tokenizer)!, "--input-file", input, "--json");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var rows = json.RootElement.GetProperty("ids").EnumerateArray().ToArray();
        Assert.Equal(items.Length, rows.Length);
        for (var i = 0; i < items.Length; i++)
        {
            Assert.Equal(items[i].GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()), rows[i].EnumerateArray().Select(e => e.GetInt32()));
        }
    }

    [SkippableFact]
    public async Task SpecialTokenTextMapsToItsId()
    {
        var tokenizer = SharedAssets.Require("tokenizers/qwen2.5/tokenizer.json");

        var (code, output, _) = await CliRunner.RunAsync("tokenize", "-t", tokenizer, "--text", "<|im_end|>", "--json");

        Assert.Equal(0, code);
        Assert.Equal("{\"ids\":[[151645]]}", output.Trim());
    }

    [Fact]
    public async Task BadInputFilesAreNamed()
    {
        using var folder = new TempFolder();
        var input = folder.Combine("bad.json");
        File.WriteAllText(input, "{\"not\": \"an array\"}");

        var (code, _, error) = await CliRunner.RunAsync("tokenize", "-t", folder.Path, "--input-file", input);

        Assert.Equal(1, code);
        Assert.Contains("bad.json: expected a JSON array of strings", error);
    }
}
