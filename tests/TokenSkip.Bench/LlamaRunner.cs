using System.Diagnostics;
using System.Runtime.InteropServices;
using LLama;
using LLama.Common;
using LLama.Native;

namespace TokenSkip.Bench;

/// <summary>
/// Times llama.cpp (through LLamaSharp) in this process on a GGUF file, the same way as <see cref="OursRunner"/>:
/// same prompts, greedy argmax over the logits, batch 1, the same thread count for decoding and prompt processing.
/// </summary>
internal static class LlamaRunner
{
    public static EngineMeasurement Measure(string ggufPath, string precision, BenchSettings settings, string logitsFile)
    {
        var log = new List<string>();
        NativeLibraryConfig.All.WithLogCallback((level, message) =>
        {
            if (level is LLamaLogLevel.Warning or LLamaLogLevel.Error)
            {
                lock (log)
                {
                    log.Add(message.TrimEnd());
                }
            }
        });

        var contextSize = Math.Max(settings.PrefillTokens, settings.PromptTokens + settings.DecodeTokens + 1) + 16;
        var parameters = new ModelParams(ggufPath)
        {
            ContextSize = (uint)contextSize,
            BatchSize = (uint)settings.PrefillTokens,
            UBatchSize = (uint)settings.PrefillTokens,
            Threads = settings.Threads,
            BatchThreads = settings.Threads,
            GpuLayerCount = 0,

            // llama.cpp's defaults (F16 KV cache; flash attention, which computes in F16 on the CPU) except for F32
            // weights, where everything stays F32 so the comparison is at equal precision (and checks parity).
            FlashAttention = precision == "F32" ? false : null,
            TypeK = precision == "F32" ? GGMLType.GGML_TYPE_F32 : GGMLType.GGML_TYPE_F16,
            TypeV = precision == "F32" ? GGMLType.GGML_TYPE_F32 : GGMLType.GGML_TYPE_F16,
        };
        var clock = Stopwatch.StartNew();
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);
        var loadSeconds = clock.Elapsed.TotalSeconds;
        var loadPeak = ProcessMemory.PeakBytes();
        var peakReset = ProcessMemory.TryResetPeak();

        var vocabulary = weights.Vocab.Count;
        var prompt = BenchPrompts.Create(settings.Seed, settings.PromptTokens, vocabulary);
        var longPrompt = BenchPrompts.Create(settings.Seed + 1, settings.PrefillTokens, vocabulary);
        var batch = new LLamaBatch();

        Evaluate(context, batch, prompt);
        File.WriteAllBytes(logitsFile, MemoryMarshal.AsBytes(context.NativeHandle.GetLogitsIth(prompt.Length - 1)).ToArray());

        Decode(context, batch, prompt, Math.Min(32, settings.DecodeTokens));
        Prefill(context, batch, longPrompt);

        var activity = CpuActivity.Start();
        var decode = new List<double>();
        var prefill = new List<double>();
        int[] tokens = [];
        for (var rep = 0; rep < settings.Repetitions; rep++)
        {
            var (rate, generated) = Decode(context, batch, prompt, settings.DecodeTokens);
            decode.Add(rate);
            tokens = rep == 0 ? generated : tokens;
        }

        for (var rep = 0; rep < settings.Repetitions; rep++)
        {
            prefill.Add(Prefill(context, batch, longPrompt));
        }

        return new EngineMeasurement
        {
            Engine = "llama.cpp",
            Precision = precision,
            Threads = settings.Threads,
            LoadSeconds = loadSeconds,
            DecodeTokensPerSecond = [.. decode],
            PrefillTokensPerSecond = [.. prefill],
            PeakRssBytes = ProcessMemory.Max(loadPeak, ProcessMemory.PeakBytes()),
            PeakRssAfterLoadBytes = peakReset ? ProcessMemory.PeakBytes() : null,
            OtherProcessesCores = activity.OtherProcessesCores(),
            GreedyTokens = tokens,
            LogitsFile = logitsFile,
            Notes = $"KV cache {parameters.TypeK}; flash attention {(parameters.FlashAttention is { } fa ? fa.ToString() : "auto")}; " +
                $"{Marshal.PtrToStringAnsi(NativeApi.llama_print_system_info())?.Trim()}"
                + (log.Count > 0 ? $"; warnings: {string.Join(" | ", log.Distinct().Take(5))}" : string.Empty),
        };
    }

    // Clears the cache, runs `ids` from position 0 with logits for the last one only, and returns its argmax.
    private static int Evaluate(LLamaContext context, LLamaBatch batch, int[] ids)
    {
        context.NativeHandle.MemoryClear(true);
        batch.Clear();
        var tokens = ids.Select(i => (LLamaToken)i).ToArray();
        batch.AddRange(tokens, 0, LLamaSeqId.Zero, true);
        Check(context.Decode(batch));
        return BenchPrompts.ArgMax(context.NativeHandle.GetLogitsIth(ids.Length - 1));
    }

    private static (double Rate, int[] Tokens) Decode(LLamaContext context, LLamaBatch batch, int[] prompt, int count)
    {
        var generated = new List<int> { Evaluate(context, batch, prompt) };
        var start = Stopwatch.GetTimestamp();
        for (var step = 0; step < count; step++)
        {
            batch.Clear();
            batch.Add(generated[^1], prompt.Length + step, LLamaSeqId.Zero, true);
            Check(context.Decode(batch));
            generated.Add(BenchPrompts.ArgMax(context.NativeHandle.GetLogitsIth(0)));
        }

        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return (count / seconds, generated.ToArray());
    }

    private static double Prefill(LLamaContext context, LLamaBatch batch, int[] prompt)
    {
        var clock = Stopwatch.StartNew();
        Evaluate(context, batch, prompt);
        return prompt.Length / clock.Elapsed.TotalSeconds;
    }

    private static void Check(DecodeResult result)
    {
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode failed: {result}");
        }
    }
}
