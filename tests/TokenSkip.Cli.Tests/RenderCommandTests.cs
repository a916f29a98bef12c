using System.Text.Json;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Cli.Tests;

/// <summary><c>tokenskip render</c>: the exact prompt for OpenAI-style messages and tools (expected text written out from the templates).</summary>
public sealed class RenderCommandTests
{
    private const string Messages = """
        [
          {"role": "system", "content": "You are a weather bot."},
          {"role": "user", "content": [{"type": "text", "text": "Weather in"}, {"type": "text", "text": "Zürich?"}]},
          {"role": "assistant", "content": null, "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Zürich\",\"days\":1.50}"}}
          ]},
          {"role": "tool", "tool_call_id": "call_1", "content": "21 °C"}
        ]
        """;

    private const string Tools = """
        [{"type": "function", "function": {"name": "get_weather", "description": "Weather.", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]
        """;

    private const string QwenToolsSection =
        "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n" +
        "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n" +
        "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Weather.\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}}}}" +
        "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n" +
        "<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n";

    [Fact]
    public async Task PrintsTheQwenPromptWithToolsCallsAndResults()
    {
        using var folder = new TempFolder();
        var (messages, tools) = Write(folder, Messages, Tools);

        var (code, output, error) = await CliRunner.RunAsync("render", "--family", "qwen2", "--messages", messages, "--tools", tools);

        Assert.True(code == 0, error);
        Assert.Equal(
            "<|im_start|>system\nYou are a weather bot." + QwenToolsSection +
            "<|im_start|>user\nWeather in\nZürich?<|im_end|>\n" +
            "<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Zürich\", \"days\": 1.5}}\n</tool_call><|im_end|>\n" +
            "<|im_start|>user\n<tool_response>\n21 °C\n</tool_response><|im_end|>\n" +
            "<|im_start|>assistant\n",
            output);
    }

    [Fact]
    public async Task ReadsTheFamilyFromTheModelFolderAndPrintsJson()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.Combine("config.json"), """{"architectures": ["LlamaForCausalLM"], "model_type": "llama"}""");
        var (messages, _) = Write(folder, """[{"role": "user", "content": "Hi "}]""", null);

        var (code, output, error) = await CliRunner.RunAsync("render", "--model", folder.Path, "--messages", messages, "--json");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi <|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
            json.RootElement.GetProperty("prompt").GetString());
    }

    [Fact]
    public async Task RendersLlamaToolsInTheFirstUserMessage()
    {
        using var folder = new TempFolder();
        var (messages, tools) = Write(folder, """[{"role": "user", "content": "Weather?"}]""", Tools);

        var (code, output, error) = await CliRunner.RunAsync("render", "--family", "llama3", "--messages", messages, "--tools", tools);

        Assert.True(code == 0, error);
        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n" +
            "Environment: ipython\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\n" +
            "Given the following functions, please respond with a JSON for a function call with its proper arguments that best answers the given prompt.\n\n" +
            "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.Do not use variables.\n\n" +
            "{\n    \"type\": \"function\",\n    \"function\": {\n        \"name\": \"get_weather\",\n        \"description\": \"Weather.\",\n" +
            "        \"parameters\": {\n            \"type\": \"object\",\n            \"properties\": {\n                \"city\": {\n" +
            "                    \"type\": \"string\"\n                }\n            }\n        }\n    }\n}\n\n" +
            "Weather?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
            output);
    }

    [Fact]
    public async Task RatioRendersTokenSkipsPromptWithTheToolsInTheSystemTurn()
    {
        using var folder = new TempFolder();
        var request = "{\"messages\": [{\"role\": \"user\", \"content\": \"What is 2+3?\"}], \"tools\": " + Tools + "}";
        var (messages, _) = Write(folder, request, null);

        var (code, output, error) = await CliRunner.RunAsync("render", "--family", "qwen2", "--messages", messages, "--ratio", "0.6");

        Assert.True(code == 0, error);
        Assert.Equal(
            "<|im_start|>system\nYou are a helpful assistant." + QwenToolsSection +
            "<|im_start|>user\nPlease reason step by step, and put your final answer within \\boxed{}.\nWhat is 2+3?<|eot_id|>0.6<|eot_id|><|im_end|>\n" +
            "<|im_start|>assistant\n",
            output);
    }

    [Theory]
    [InlineData("[{\"role\": \"user\", \"content\": \"x\"", "msgs.json: not valid JSON")]
    [InlineData("[{\"role\": \"user\", \"content\": \"x\"}, {\"role\": \"narrator\", \"content\": \"y\"}]", "msgs.json: messages[1].role 'narrator' is not one of system, user, assistant, tool")]
    [InlineData("[{\"role\": \"assistant\", \"tool_calls\": [{\"function\": {\"name\": \"f\", \"arguments\": \"[1]\"}}]}]", "msgs.json: messages[0].tool_calls[0].function.arguments is not a JSON object")]
    [InlineData("[{\"role\": \"user\", \"content\": 5}]", "msgs.json: messages[0].content must be a string, null or an array of text parts")]
    public async Task BadMessageFilesAreNamedWithTheField(string content, string expected)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.Combine("msgs.json"), content);

        var (code, _, error) = await CliRunner.RunAsync("render", "--family", "qwen2", "--messages", folder.Combine("msgs.json"));

        Assert.Equal(1, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task BadToolFilesAndConfigsAreNamed()
    {
        using var folder = new TempFolder();
        var (messages, tools) = Write(folder, """[{"role": "user", "content": "x"}]""", """[{"type": "function", "function": {"description": "no name"}}]""");
        File.WriteAllText(folder.Combine("config.json"), """{"model_type": 3}""");

        var badTool = await CliRunner.RunAsync("render", "--family", "qwen2", "--messages", messages, "--tools", tools);
        var badConfig = await CliRunner.RunAsync("render", "--model", folder.Path, "--messages", messages);
        var both = await CliRunner.RunAsync("render", "--model", folder.Path, "--family", "qwen2", "--messages", messages);

        Assert.Contains("tools.json: tools[0].function.name must be a non-empty string", badTool.Error, StringComparison.Ordinal);
        Assert.Contains("config.json: model_type is missing or not a string", badConfig.Error, StringComparison.Ordinal);
        Assert.Contains("give exactly one of --model or --family", both.Error, StringComparison.Ordinal);
        Assert.All([badTool.ExitCode, badConfig.ExitCode, both.ExitCode], c => Assert.Equal(1, c));
    }

    private static (string Messages, string Tools) Write(TempFolder folder, string messages, string? tools)
    {
        File.WriteAllText(folder.Combine("msgs.json"), messages);
        if (tools is not null)
        {
            File.WriteAllText(folder.Combine("tools.json"), tools);
        }

        return (folder.Combine("msgs.json"), folder.Combine("tools.json"));
    }
}
