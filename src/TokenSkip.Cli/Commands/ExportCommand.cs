using System.CommandLine;
using TokenSkip.Cli.Infrastructure;
using TokenSkip.Models.Export;
using TokenSkip.Models.Transformer;

namespace TokenSkip.Cli.Commands;

/// <summary><c>tokenskip export gguf</c>: write a Hugging Face model folder as a GGUF file for llama.cpp, Ollama and LLamaSharp.</summary>
internal static class ExportCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("export", "Export a model for other engines.");
        command.Subcommands.Add(CreateGguf(console));
        return command;
    }

    private static Command CreateGguf(CliConsole console)
    {
        var model = new ModelOptions(forInference: false);
        var type = new Option<string>("--type", "-t")
        {
            Description = $"Type of the weight matrices: {GgufModelExport.SupportedTypes} (norms and biases stay f32; quantized with ggml's reference arithmetic).",
            DefaultValueFactory = _ => "f16",
        };
        var output = new Option<string>("--output", "-o") { Description = "The .gguf file to write.", Required = true };
        var name = new Option<string?>("--name") { Description = "general.name in the file (default: the model folder's name)." };
        var command = new Command("gguf",
            "Write a Hugging Face Qwen2/Llama folder (e.g. a merged TokenSkip model) as GGUF, with its real tokenizer and chat template.");
        model.AddTo(command);
        command.Options.Add(type);
        command.Options.Add(output);
        command.Options.Add(name);
        command.SetAction(parse =>
        {
            var folder = model.Folder(parse);
            var tensorType = ParseType(parse.GetValue(type)!);
            if (!Directory.Exists(folder))
            {
                throw new ArgumentException($"--model must be a Hugging Face model folder; '{folder}' is not one");
            }

            var path = parse.GetValue(output)!;
            using var loaded = CausalLanguageModel.Load(folder, model.Read(parse));
            GgufModelExport.Write(loaded, path, tensorType, folder, parse.GetValue(name) ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))));
            console.Out.WriteLine($"{path}: {new FileInfo(path).Length / 1e6:F1} MB, {parse.GetValue(type)!.ToLowerInvariant()}");
            return 0;
        });
        return command;
    }

    private static GgufTensorType ParseType(string text) => text.Trim().ToLowerInvariant() switch
    {
        "f32" => GgufTensorType.F32,
        "f16" => GgufTensorType.F16,
        "bf16" => GgufTensorType.BF16,
        "q8_0" => GgufTensorType.Q8_0,
        "q4_0" => GgufTensorType.Q4_0,
        "q4_k_m" or "q4_k" or "q6_k" => throw new ArgumentException($"--type {text} is not supported yet (supported: {GgufModelExport.SupportedTypes})"),
        _ => throw new ArgumentException($"--type {text} is not one of {GgufModelExport.SupportedTypes}"),
    };
}
