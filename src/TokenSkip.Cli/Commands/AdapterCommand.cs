using System.CommandLine;
using TokenSkip.Cli.Infrastructure;
using TokenSkip.Models.Lora;

namespace TokenSkip.Cli.Commands;

/// <summary><c>tokenskip adapter</c>: work with PEFT LoRA adapters (<c>merge</c> one into its base model).</summary>
internal static class AdapterCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("adapter", "Work with PEFT LoRA adapter folders (adapter_config.json + adapter_model.safetensors).");
        command.Subcommands.Add(CreateMerge(console));
        return command;
    }

    private static Command CreateMerge(CliConsole console)
    {
        var model = new ModelOptions(forInference: false);
        var adapter = new Option<string>("--adapter", "-a") { Description = "PEFT LoRA adapter folder.", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Folder for the merged model (config.json, model.safetensors, tokenizer files).", Required = true };
        var command = new Command("merge", "Merge a LoRA adapter into its base model's weights and write a Hugging Face model folder.");
        model.AddTo(command);
        command.Options.Add(adapter);
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            var outputFolder = parse.GetValue(output)!;
            var adapterFolder = parse.GetValue(adapter)!;
            var options = model.Read(parse);
            AdapterConfigFile.Read(adapterFolder); // a broken adapter fails before the model is loaded
            AdapterMerger.MergeToFolder(model.Folder(parse), adapterFolder, outputFolder, options);
            console.Out.WriteLine($"merged model written to {outputFolder}");
            return 0;
        });
        return command;
    }
}
