using System.Text.Json.Nodes;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Cli.Tests;

/// <summary>
/// <c>tokenskip serve</c> on a damaged model folder prints what every other command prints, one <c>error: &lt;file&gt;:
/// &lt;what&gt;</c> line, and exits with 1: no stack trace, no second or third log entry of the same exception.
/// </summary>
public sealed class ServeLoadFailureTests
{
    public static TheoryData<string, string, string> Damages => new()
    {
        { "truncated-weights", "model.safetensors", "truncated or not safetensors" },
        { "config-field-type", "config.json", "hidden_size must be an integer" },
        { "config-impossible-value", "config.json", "rope_theta must be a positive number" },
        { "tokenizer-not-json", "tokenizer.json", "is not valid JSON" },
        { "card-not-json", "tokenskip.json", "invalid model card" },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task ADamagedFolderIsOneErrorLineAndExitCode1(string damage, string file, string problem)
    {
        using var folder = new TempFolder();
        TinyChatModel.Write(folder.Path);
        Damage(folder.Path, damage);

        var (code, lines) = await ServeProcess.RunToExitAsync("--model", folder.Path, "--port", "0", "--threads", "1");
        var output = string.Join("\n", lines);

        Assert.Equal(1, code);
        var error = Assert.Single(lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains(file + ": ", error, StringComparison.Ordinal);
        Assert.Contains(problem, error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal); // neither a type name nor a stack trace
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains(problem, StringComparison.Ordinal)); // reported once, not again by the logs
    }

    [Fact]
    public async Task InProcessTheErrorIsTheCommandsOneLine()
    {
        using var folder = new TempFolder();
        TinyChatModel.Write(folder.Path);
        Damage(folder.Path, "truncated-weights");

        var (code, _, error) = await CliRunner.RunAsync("serve", "--model", folder.Path, "--port", "0", "--threads", "1");
        var lines = error.Trim().Split('\n');

        Assert.Equal(1, code);
        Assert.StartsWith("error: " + Path.Combine(folder.Path, "model.safetensors") + ": ", lines[^1], StringComparison.Ordinal);
        Assert.Single(lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
    }

    private static void Damage(string folder, string damage)
    {
        switch (damage)
        {
            case "truncated-weights":
                using (var weights = File.Open(Path.Combine(folder, "model.safetensors"), FileMode.Open))
                {
                    weights.SetLength(1000);
                }

                break;
            case "config-field-type":
                EditConfig(folder, config => config["hidden_size"] = "big");
                break;
            case "config-impossible-value":
                EditConfig(folder, config => config["rope_theta"] = 0);
                break;
            case "tokenizer-not-json":
                File.WriteAllText(Path.Combine(folder, "tokenizer.json"), "not json {");
                break;
            case "card-not-json":
                File.WriteAllText(Path.Combine(folder, "tokenskip.json"), "not json {");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(damage), damage, null);
        }
    }

    private static void EditConfig(string folder, Action<JsonObject> edit)
    {
        var path = Path.Combine(folder, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(config);
        File.WriteAllText(path, config.ToJsonString());
    }
}
