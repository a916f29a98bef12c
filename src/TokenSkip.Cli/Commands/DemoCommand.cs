using System.CommandLine;
using System.Diagnostics;
using TokenSkip.Cli.Infrastructure;
using TokenSkip.Core.Generation;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Tokenization;
using TokenSkip.Models.Transformer;

namespace TokenSkip.Cli.Commands;

/// <summary>
/// <c>tokenskip demo</c>: the main job. Until the embedded TokenSkip model exists, it runs the real pretrained
/// stories260K checkpoint from <c>../shared</c> (greedy and sampled stories, with timings), which exercises the
/// whole engine path: checkpoint loading, tokenizer, KV-cached batched generation and streaming.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliConsole console)
    {
        var modelOption = new Option<string?>("--model", "-m") { Description = "Model folder (default: ../shared/models/stories260k)." };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Tokens per story.", DefaultValueFactory = _ => 96 };
        var command = new Command("demo", "Run the main demo job on the default model.") { modelOption, maxTokens };
        command.SetAction((parse, cancellationToken) =>
        {
            var folder = parse.GetValue(modelOption) ?? DefaultModelLocator.FindStoriesModel()
                ?? throw new DirectoryNotFoundException(
                    "no default model: ../shared/models/stories260k was not found (the embedded TokenSkip model is not built yet); pass --model DIR");
            using var model = CausalLanguageModel.Load(folder);
            var tokenizer = TokenizerLoader.TryLoad(folder);
            var generator = new TextGenerator(model, tokenizer);
            var bos = model.Config.BosTokenId ?? 1;
            console.Out.WriteLine($"model: {folder} ({model.Config.Architecture}, {model.Config.LayerCount} layers, vocab {model.Config.VocabularySize})");
            console.Out.WriteLine("note: the embedded TokenSkip model is not built yet; this demo runs the stories260K checkpoint.");
            console.Out.WriteLine();

            var runs = new (string Name, GenerationOptions Options)[]
            {
                ("greedy", new GenerationOptions { MaxNewTokens = parse.GetValue(maxTokens), StopTokenIds = [bos] }),
                ("t=0.8 seed 1", new GenerationOptions { MaxNewTokens = parse.GetValue(maxTokens), Temperature = 0.8, TopP = 0.95, Seed = 1, StopTokenIds = [bos] }),
                ("t=0.8 seed 2", new GenerationOptions { MaxNewTokens = parse.GetValue(maxTokens), Temperature = 0.8, TopP = 0.95, Seed = 2, StopTokenIds = [bos] }),
            };
            foreach (var (name, options) in runs)
            {
                console.Out.Write($"[{name}] ");
                var clock = Stopwatch.StartNew();
                var result = generator.Generate([bos], options, u => console.Out.Write(u.TextDelta), cancellationToken);
                clock.Stop();
                var perSecond = result.Usage.CompletionTokens / clock.Elapsed.TotalSeconds;
                console.Out.WriteLine();
                console.Out.WriteLine($"  -> {result.Usage.CompletionTokens} tokens in {clock.Elapsed.TotalMilliseconds:F0} ms ({perSecond:F0} tokens/s), finish: {GenerationJson.FinishReasonText(result.FinishReason)}");
                console.Out.WriteLine();
            }

            return Task.FromResult(0);
        });
        return command;
    }
}
