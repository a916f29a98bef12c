using System.CommandLine;
using System.Text.Json;
using TokenSkip.Bench;

var threads = new Option<int>("--threads") { Description = "Threads for both engines (libtorch and the kernel; llama.cpp decode and batch)", DefaultValueFactory = _ => 2 };
var decodeTokens = new Option<int>("--decode-tokens") { Description = "Tokens timed per decode run, after the prompt's first token", DefaultValueFactory = _ => 64 };
var promptTokens = new Option<int>("--prompt-tokens") { Description = "Prompt length before decoding", DefaultValueFactory = _ => 16 };
var prefillTokens = new Option<int>("--prefill-tokens") { Description = "Prompt length whose prefill is timed", DefaultValueFactory = _ => 512 };
var repetitions = new Option<int>("--repetitions") { Description = "Timed repetitions of each measurement (the median is reported)", DefaultValueFactory = _ => 3 };
var rounds = new Option<int>("--rounds") { Description = "Times the whole sequence of engine runs repeats (interleaving the engines in time)", DefaultValueFactory = _ => 3 };
var seed = new Option<int>("--seed") { Description = "Seed of the random weights and prompts", DefaultValueFactory = _ => 1 };
var dtypes = new Option<string>("--dtypes") { Description = "Our precisions, comma-separated: float32, bfloat16, float16 (each is compared with llama.cpp F32 or F16)", DefaultValueFactory = _ => "float32,bfloat16" };
var output = new Option<string>("--out") { Description = "Folder for results.json and results.md", DefaultValueFactory = _ => Path.Combine("artifacts", "bench") };
var work = new Option<string>("--work") { Description = "Folder for the model files (about 5 GB; reused when present)", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "tokenskip-bench") };
var quietWait = new Option<int>("--quiet-wait") { Description = "Seconds to wait, before each engine run, for other processes to leave the CPU (0: don't wait)", DefaultValueFactory = _ => 20 };
var childTimeout = new Option<int>("--child-timeout") { Description = "Seconds one engine run may take before it is killed and left out", DefaultValueFactory = _ => 240 };
var quantized = new Option<string>("--quantized") { Description = "Quantized types, comma-separated: q8_0, q4_0, q4_k_m (both engines, on the file llama.cpp's quantizer writes); empty for none", DefaultValueFactory = _ => "q8_0,q4_0,q4_k_m" };
var compareLibtorch = new Option<bool>("--compare-libtorch") { Description = "Also time our engine with everything in libtorch (ModelLoadOptions.UseCpuKernels = false)" };

var model = new Option<string>("--model") { Required = true };
var gguf = new Option<string>("--gguf") { Required = true };
var dtype = new Option<string>("--dtype") { Required = true };
var precision = new Option<string>("--precision") { Required = true };
var kernel = new Option<bool>("--kernel") { DefaultValueFactory = _ => true };
var logits = new Option<string>("--logits") { Required = true };
var result = new Option<string>("--result") { Required = true };
var label = new Option<string?>("--label") { Description = "The precision the row is named by (default: --dtype)" };

BenchSettings Settings(ParseResult parse) => new()
{
    Threads = parse.GetValue(threads),
    DecodeTokens = parse.GetValue(decodeTokens),
    PromptTokens = parse.GetValue(promptTokens),
    PrefillTokens = parse.GetValue(prefillTokens),
    Repetitions = parse.GetValue(repetitions),
    Rounds = Math.Max(1, parse.GetValue(rounds)),
    Seed = parse.GetValue(seed),
    DTypes = (parse.GetValue(dtypes) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
    QuantizedTypes = (parse.GetValue(quantized) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
    WorkFolder = FullPathOrEmpty(parse.GetValue(work)),
    OutputFolder = FullPathOrEmpty(parse.GetValue(output)),
    CompareWithoutKernel = parse.GetValue(compareLibtorch),
    QuietWait = TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(quietWait))),
    ChildTimeout = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(childTimeout))),
};

// The measure-* commands have no folder options.
static string FullPathOrEmpty(string? path) => string.IsNullOrEmpty(path) ? string.Empty : Path.GetFullPath(path);

void WriteResult(ParseResult parse, EngineMeasurement measurement) =>
    File.WriteAllText(parse.GetValue(result)!, JsonSerializer.Serialize(measurement, Json.Options));

var engine = new Command("engine", "Times TokenSkip's engine and llama.cpp on the same random Qwen2.5-0.5B-shaped weights and writes results.json and results.md")
{
    threads, decodeTokens, promptTokens, prefillTokens, repetitions, rounds, seed, dtypes, quantized, output, work, quietWait, childTimeout, compareLibtorch,
};
engine.SetAction(parse => EngineBenchmark.Run(Settings(parse)));

var measureOurs = new Command("measure-ours", "(internal) one TokenSkip measurement in this process")
{
    model, dtype, label, kernel, threads, decodeTokens, promptTokens, prefillTokens, repetitions, seed, logits, result,
};
measureOurs.Hidden = true;
measureOurs.SetAction(parse => WriteResult(parse,
    OursRunner.Measure(parse.GetValue(model)!, parse.GetValue(dtype)!, parse.GetValue(label) ?? parse.GetValue(dtype)!, parse.GetValue(kernel), Settings(parse), parse.GetValue(logits)!)));

var measureLlama = new Command("measure-llama", "(internal) one llama.cpp measurement in this process")
{
    gguf, precision, threads, decodeTokens, promptTokens, prefillTokens, repetitions, seed, logits, result,
};
measureLlama.Hidden = true;
measureLlama.SetAction(parse => WriteResult(parse,
    LlamaRunner.Measure(parse.GetValue(gguf)!, parse.GetValue(precision)!, Settings(parse), parse.GetValue(logits)!)));

var ggufType = new Option<string>("--type") { Description = "F32 or F16", DefaultValueFactory = _ => "F32" };
var ggufOut = new Option<string>("--out") { Description = "The .gguf file to write", Required = true };
var exportGguf = new Command("export-gguf", "Writes a Hugging Face Qwen2 folder as GGUF (placeholder tokenizer: for measurements only)")
{
    model, ggufType, ggufOut,
};
exportGguf.SetAction(parse =>
{
    using var loaded = TokenSkip.Models.Transformer.CausalLanguageModel.Load(parse.GetValue(model)!);
    var type = Enum.Parse<TokenSkip.Models.Export.GgufTensorType>(parse.GetValue(ggufType)!, ignoreCase: true);
    TokenSkip.Models.Export.GgufModelExport.WriteQwen2(loaded, parse.GetValue(ggufOut)!, type);
});

var root = new RootCommand("TokenSkip benchmarks") { engine, measureOurs, measureLlama, exportGguf };
return root.Parse(args).Invoke();
