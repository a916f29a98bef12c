using System.CommandLine;
using System.Text.Json;
using TokenSkip.Cli.Infrastructure;
using TokenSkip.Core;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Text;

namespace TokenSkip.Cli.Commands;

/// <summary>
/// <c>tokenskip render</c>: prints the exact prompt a conversation (with tools, tool calls and tool results) becomes in a
/// family's chat template, or in TokenSkip's prompt at γ.
/// </summary>
internal static class RenderCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new Option<string?>("--model", "-m") { Description = "A Hugging Face model folder: the family is read from config.json's model_type (no weights are loaded)." };
        var family = new Option<string?>("--family") { Description = "The prompt family instead of --model: qwen2 or llama3." };
        family.AcceptOnlyFromAmong("qwen2", "llama3");
        var messages = new Option<string>("--messages") { Description = "An OpenAI-style messages array (JSON file), or a request object with \"messages\" (and \"tools\").", Required = true };
        var tools = new Option<string?>("--tools") { Description = "An OpenAI tools array (JSON file) offered to the model." };
        var ratio = new Option<string?>("--ratio") { Description = "Render TokenSkip's prompt at compression ratio γ (0.5..1.0) instead of the plain chat template." };
        var json = new Option<bool>("--json") { Description = "Print {\"prompt\": \"...\"}." };
        var command = new Command("render", "Print the exact prompt a conversation becomes: the family's chat template with the generation prompt (tools, tool calls, tool results included), or TokenSkip's prompt with --ratio.")
        {
            model, family, messages, tools, ratio, json,
        };

        command.SetAction(parse =>
        {
            var chosen = ResolveFamily(parse.GetValue(model), parse.GetValue(family));
            var gamma = parse.GetValue(ratio) is { } ratioText ? CompressionRatio.Parse(ratioText) : (CompressionRatio?)null;
            var (turns, requestTools) = ChatFile.ReadMessages(parse.GetValue(messages)!);
            var offered = parse.GetValue(tools) is { } toolsPath ? ChatFile.ReadTools(toolsPath) : requestTools;
            var prompt = gamma is { } value
                ? TokenSkipPromptBuilder.BuildPrompt(chosen, turns, value, offered)
                : ChatTemplates.For(chosen).Render(turns, addGenerationPrompt: true, offered);
            prompt = MessageContent.Unmark(prompt);
            if (parse.GetValue(json))
            {
                console.WriteJson(new Dictionary<string, string> { ["prompt"] = prompt });
            }
            else
            {
                console.Out.Write(prompt);
            }

            return 0;
        });
        return command;
    }

    private static ModelFamily ResolveFamily(string? modelFolder, string? family)
    {
        if ((modelFolder is null) == (family is null))
        {
            throw new ArgumentException("give exactly one of --model or --family");
        }

        return family is not null
            ? (family == "llama3" ? ModelFamily.Llama3 : ModelFamily.Qwen2)
            : FamilyOf(modelFolder!);
    }

    /// <summary>The family named by a model folder's config.json <c>model_type</c> (only that field is read).</summary>
    private static ModelFamily FamilyOf(string folder)
    {
        var path = Path.Combine(folder, "config.json");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file not found");
        }

        string? modelType;
        try
        {
            using var config = JsonDocument.Parse(File.ReadAllText(path));
            modelType = config.RootElement.ValueKind == JsonValueKind.Object
                && config.RootElement.TryGetProperty("model_type", out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{path}: not valid JSON ({e.Message})", e);
        }

        if (modelType is null)
        {
            throw new ArgumentException($"{path}: model_type is missing or not a string");
        }

        return ModelFamilies.TryFromHuggingFaceName(modelType, out var family)
            ? family
            : throw new ArgumentException($"{path}: model_type '{modelType}' has no known chat template (supported: qwen2, llama)");
    }
}
