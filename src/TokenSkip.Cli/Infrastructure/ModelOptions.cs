using System.CommandLine;
using TokenSkip.Models;
using TokenSkip.Models.Runtime;

namespace TokenSkip.Cli.Infrastructure;

/// <summary>The <c>--model</c>, <c>--device</c> and <c>--dtype</c> options shared by commands that load a model.</summary>
internal sealed class ModelOptions
{
    public Option<string?> Model { get; } = new("--model", "-m")
    {
        Description = "Hugging Face model folder (config.json + model.safetensors, tokenizer.json); default: the embedded model.",
    };

    public Option<string> Device { get; } = new("--device")
    {
        Description = "cpu, cuda or cuda:N (CUDA needs the TorchSharp-cuda package; see README).",
        DefaultValueFactory = _ => "cpu",
    };

    public Option<string?> DType { get; } = new("--dtype")
    {
        Description = "float32, bfloat16 or float16 (default: bfloat16 on CUDA, float32 on CPU).",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Model);
        command.Options.Add(Device);
        command.Options.Add(DType);
    }

    /// <summary>The --model folder, or the embedded default model when none is given.</summary>
    public string Folder(ParseResult parse) => parse.GetValue(Model) ?? DefaultModel.Require();

    public ModelLoadOptions Read(ParseResult parse)
    {
        var dtype = parse.GetValue(DType);
        return new ModelLoadOptions
        {
            Device = ComputeDevice.Parse(parse.GetValue(Device)!),
            DType = dtype is null ? null : ModelDType.Parse(dtype),
        };
    }
}
