using System.CommandLine;
using TokenSkip.Models;
using TokenSkip.Models.Quantization;
using TokenSkip.Models.Runtime;

namespace TokenSkip.Cli.Infrastructure;

/// <summary>
/// The <c>--model</c>, <c>--device</c>, <c>--dtype</c>, <c>--threads</c> and (for inference) <c>--quantize</c> options
/// shared by commands that load a model.
/// </summary>
/// <param name="forInference">
/// Whether the command only runs the model forward, so it may quantize the weights; commands that train or rewrite the
/// weights (train, adapter merge) need the float weights and do not offer <c>--quantize</c>.
/// </param>
internal sealed class ModelOptions(bool forInference = true)
{
    public Option<string?> Model { get; } = new("--model", "-m")
    {
        Description = "Hugging Face model folder (config.json + model.safetensors, tokenizer.json) or a .gguf file; default: the embedded model.",
    };

    public Option<string?> Quantize { get; } = new("--quantize")
    {
        Description = $"Quantize the weights at load ({QuantizationTypes.Names}; CPU only): 8 or 4 bits per weight, decoded by TokenSkip's SIMD kernels. A .gguf file's own quantized tensors need no flag.",
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

    public Option<int?> Threads { get; } = new("--threads")
    {
        Description = "CPU threads for tensor operations (default: libtorch's choice, one per core). On a small or busy CPU, 1 is often faster for small models.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Model);
        command.Options.Add(Device);
        command.Options.Add(DType);
        command.Options.Add(Threads);
        if (forInference)
        {
            command.Options.Add(Quantize);
        }
    }

    /// <summary>The --model folder, or the embedded default model when none is given.</summary>
    public string Folder(ParseResult parse) => parse.GetValue(Model) ?? DefaultModel.Require();

    /// <summary>Reads the load options, and applies <c>--threads</c> (libtorch's thread count is process-wide).</summary>
    public ModelLoadOptions Read(ParseResult parse)
    {
        if (parse.GetValue(Threads) is { } threads)
        {
            if (threads < 1)
            {
                throw new ArgumentException($"--threads must be at least 1; got {threads}");
            }

            TorchSharp.torch.set_num_threads(threads);
        }

        var dtype = parse.GetValue(DType);
        var quantize = forInference ? parse.GetValue(Quantize) : null;
        return new ModelLoadOptions
        {
            Device = ComputeDevice.Parse(parse.GetValue(Device)!),
            DType = dtype is null ? null : ModelDType.Parse(dtype),
            Quantize = quantize is null ? null : QuantizationTypes.Parse(quantize),
        };
    }
}
