using System.CommandLine;
using System.Diagnostics;
using TokenSkip.Cli.Infrastructure;
using TokenSkip.Core;
using TokenSkip.Core.Generation;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Loading;

namespace TokenSkip.Cli.Commands;

/// <summary><c>tokenskip generate</c>: generate from a local checkpoint, streaming text or printing one JSON object.</summary>
internal static class GenerateCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new ModelOptions();
        var prompt = new Option<string?>("--prompt", "-p") { Description = "Prompt text (needs a tokenizer in the model folder)." };
        var promptIds = new Option<string?>("--prompt-ids") { Description = "Prompt as comma-separated token ids, e.g. 1,2,3 (no tokenizer needed)." };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Most tokens to generate.", DefaultValueFactory = _ => 128 };
        var temperature = new Option<double>("--temperature") { Description = "Sampling temperature; 0 is greedy.", DefaultValueFactory = _ => 0.0 };
        var topP = new Option<double>("--top-p") { Description = "Nucleus sampling mass (1 disables).", DefaultValueFactory = _ => 1.0 };
        var topK = new Option<int>("--top-k") { Description = "Sample among the k most likely tokens (0 disables)." };
        var repetition = new Option<double>("--repetition-penalty") { Description = "Penalty for repeated tokens (1 disables).", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<int?>("--seed") { Description = "Random seed for sampling." };
        var stopIds = new Option<int[]>("--stop-id") { Description = "Token id that ends generation (repeatable), besides the model's EOS ids." };
        var stops = new Option<string[]>("--stop") { Description = "Text that ends generation (repeatable)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of streaming text." };
        var chat = new Option<bool>("--chat") { Description = "Send --prompt as a user message through the model family's chat template." };
        var ratio = new Option<string?>("--ratio") { Description = "TokenSkip: send --prompt as a question with compression ratio γ (0.5..1.0) in TokenSkip's prompt format." };

        var command = new Command("generate", "Generate a continuation with a local Hugging Face checkpoint (Qwen2 / Llama).");
        model.AddTo(command);
        foreach (var option in new Option[] { prompt, promptIds, maxTokens, temperature, topP, topK, repetition, seed, stopIds, stops, json, chat, ratio })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, cancellationToken) =>
        {
            var folder = model.Folder(parse);
            var text = parse.GetValue(prompt);
            var idsText = parse.GetValue(promptIds);
            if ((text is null) == (idsText is null))
            {
                throw new ArgumentException("give exactly one of --prompt or --prompt-ids");
            }

            var parsedIds = idsText is null ? null : TokenIdList.Parse(idsText);
            var gamma = parse.GetValue(ratio) is { } ratioText ? CompressionRatio.Parse(ratioText) : (CompressionRatio?)null;
            var format = gamma is not null ? PromptFormat.TokenSkip : parse.GetValue(chat) ? PromptFormat.Chat : PromptFormat.Raw;
            if (format != PromptFormat.Raw && text is null)
            {
                throw new ArgumentException("--chat and --ratio format a text --prompt; they cannot be used with --prompt-ids");
            }

            var options = new GenerationOptions
            {
                MaxNewTokens = parse.GetValue(maxTokens),
                Temperature = parse.GetValue(temperature),
                TopP = parse.GetValue(topP),
                TopK = parse.GetValue(topK),
                RepetitionPenalty = parse.GetValue(repetition),
                Seed = parse.GetValue(seed),
                StopTokenIds = parse.GetValue(stopIds) ?? [],
                StopStrings = parse.GetValue(stops) ?? [],
            }.Validate();

            // --prompt-ids works without a tokenizer; a text prompt needs one.
            using var bundle = ModelBundle.Load(folder, new ModelBundleOptions { Load = model.Read(parse), RequireTokenizer = text is not null });
            var tokenizer = bundle.HasTokenizer ? bundle.Tokenizer : null;
            var prompted = PromptFormatter.Apply(format, text, gamma, bundle.Family, tokenizer, options);
            options = prompted.Options;
            var ids = parsedIds ?? tokenizer!.Encode(prompted.Text!);
            var generator = new TextGenerator(bundle.Model, tokenizer);
            var asJson = parse.GetValue(json);
            var clock = Stopwatch.StartNew();
            TimeSpan? firstToken = null;
            var result = generator.Generate(ids, options, update =>
            {
                firstToken ??= clock.Elapsed;
                if (!asJson)
                {
                    console.Out.Write(update.TextDelta);
                }
            }, cancellationToken);
            clock.Stop();

            if (asJson)
            {
                var timings = TimingsJson.From(result.Usage.PromptTokens, result.Usage.CompletionTokens, firstToken ?? clock.Elapsed, clock.Elapsed);
                console.WriteJson(GenerationJson.From(result, timings));
            }
            else
            {
                if (tokenizer is null)
                {
                    console.Out.Write(string.Join(",", result.OutputIds));
                }

                console.Out.WriteLine();
                var perSecond = result.Usage.CompletionTokens / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                console.Error.WriteLine(
                    $"[{result.Usage.PromptTokens} prompt + {result.Usage.CompletionTokens} generated tokens, finish: {GenerationJson.FinishReasonText(result.FinishReason)}, {perSecond:F1} tokens/s]");
            }

            return Task.FromResult(0);
        });
        return command;
    }
}
