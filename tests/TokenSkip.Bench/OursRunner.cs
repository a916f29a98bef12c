using System.Diagnostics;
using System.Runtime.InteropServices;
using TokenSkip.Core.Generation;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Runtime;
using TokenSkip.Models.Transformer;
using static TorchSharp.torch;

namespace TokenSkip.Bench;

/// <summary>Times TokenSkip's engine (TorchSharp) in this process: loading, then decode and prefill through <see cref="TextGenerator"/>.</summary>
internal static class OursRunner
{
    /// <param name="modelFolder">A Hugging Face folder or a GGUF file.</param>
    /// <param name="dtypeName">The compute precision.</param>
    /// <param name="label">The row's precision name (the dtype, or the GGUF file's quantized type).</param>
    public static EngineMeasurement Measure(string modelFolder, string dtypeName, string label, bool useKernel, BenchSettings settings, string logitsFile)
    {
        set_num_threads(settings.Threads);
        var dtype = ModelDType.Parse(dtypeName);
        var clock = Stopwatch.StartNew();
        using var model = CausalLanguageModel.Load(modelFolder, new ModelLoadOptions { DType = dtype, UseCpuKernels = useKernel });
        var loadSeconds = clock.Elapsed.TotalSeconds;
        var loadPeak = ProcessMemory.PeakBytes();
        var peakReset = ProcessMemory.TryResetPeak();

        var vocabulary = model.Config.VocabularySize;
        var prompt = BenchPrompts.Create(settings.Seed, settings.PromptTokens, vocabulary);
        var longPrompt = BenchPrompts.Create(settings.Seed + 1, settings.PrefillTokens, vocabulary);
        var generator = new TextGenerator(model);
        WritePromptLogits(model, prompt, logitsFile);

        // Warm-up: first calls allocate, fault pages in, pick kernels and get the JIT to its optimised code.
        Decode(generator, prompt, Math.Min(32, settings.DecodeTokens));
        Prefill(generator, longPrompt);

        var activity = CpuActivity.Start();
        var decode = new List<double>();
        var prefill = new List<double>();
        int[] tokens = [];
        for (var rep = 0; rep < settings.Repetitions; rep++)
        {
            var (rate, generated) = Decode(generator, prompt, settings.DecodeTokens);
            decode.Add(rate);
            tokens = rep == 0 ? generated : tokens;
        }

        for (var rep = 0; rep < settings.Repetitions; rep++)
        {
            prefill.Add(Prefill(generator, longPrompt));
        }

        return new EngineMeasurement
        {
            Engine = useKernel ? "TokenSkip" : "TokenSkip (libtorch only)",
            Precision = label,
            Threads = settings.Threads,
            LoadSeconds = loadSeconds,
            DecodeTokensPerSecond = [.. decode],
            PrefillTokensPerSecond = [.. prefill],
            PeakRssBytes = ProcessMemory.Max(loadPeak, ProcessMemory.PeakBytes()),
            PeakRssAfterLoadBytes = peakReset ? ProcessMemory.PeakBytes() : null,
            OtherProcessesCores = activity.OtherProcessesCores(),
            GreedyTokens = tokens,
            LogitsFile = logitsFile,
            Notes = $"torch threads {get_num_threads()}, matrix-vector kernel {(useKernel ? "on" : "off")}, compute {dtypeName}" +
                (model.HasQuantizedWeights ? $", quantized kernel {TokenSkip.Models.Quantization.QuantizedMatrixVector.BestPath}" : string.Empty),
        };
    }

    // Decode rate: the first token comes from the prompt's prefill; the next `count` each take one decode step.
    private static (double Rate, int[] Tokens) Decode(TextGenerator generator, int[] prompt, int count)
    {
        var stamps = new List<long>(count + 1);
        var options = new GenerationOptions { MaxNewTokens = count + 1, IgnoreEndOfSequence = true };
        var result = generator.Generate(prompt, options, _ => stamps.Add(Stopwatch.GetTimestamp()));
        var seconds = Stopwatch.GetElapsedTime(stamps[0], stamps[^1]).TotalSeconds;
        return (count / seconds, result.OutputIds.ToArray());
    }

    private static double Prefill(TextGenerator generator, int[] prompt)
    {
        var clock = Stopwatch.StartNew();
        generator.Generate(prompt, new GenerationOptions { MaxNewTokens = 1, IgnoreEndOfSequence = true });
        return prompt.Length / clock.Elapsed.TotalSeconds;
    }

    private static void WritePromptLogits(CausalLanguageModel model, int[] prompt, string path)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var cache = model.CreateCache(1, prompt.Length);
        var logits = model.Prefill(cache, 0, prompt).contiguous();
        File.WriteAllBytes(path, MemoryMarshal.AsBytes(logits.data<float>().ToArray().AsSpan()).ToArray());
    }
}
