using System.CommandLine;
using System.Globalization;
using TokenSkip.Cli.Infrastructure;
using TokenSkip.Core;
using TokenSkip.Core.Compression;
using TokenSkip.Core.Text;
using TokenSkip.Models.Compression;
using TokenSkip.Models.Tokenization;

namespace TokenSkip.Cli.Commands;

/// <summary>
/// <c>tokenskip compress</c>: prune a chain of thought to ratio γ with LLMLingua-2 or causal-LM surprisal scores,
/// keeping the answer suffix, and report the ratio reached in the target model's tokens.
/// </summary>
internal static class CompressCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new ModelOptions();
        model.Model.Description = "Target model folder: its tokenizer measures the ratio; with --scorer surprisal it is also the scoring LM.";
        var scoring = new ScorerOptions();
        var ratio = new Option<string>("--ratio", "-r") { Description = "Compression ratio γ in [0.5, 1.0]: the fraction of the chain of thought to keep.", Required = true };
        var text = new Option<string?>("--text") { Description = "The chain of thought to compress." };
        var inputFile = new Option<string?>("--input-file") { Description = "A UTF-8 text file holding the chain of thought." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object: compressed, kept_word_indices, original_tokens, compressed_tokens, and provenance." };

        var command = new Command("compress",
            "Compress a chain of thought to ratio γ as TokenSkip builds its training data. The answer suffix " +
            "\"\\n\\nThe final answer is: ...\" is kept verbatim; token counts are target-model tokens of the text before it.");
        model.AddTo(command);
        scoring.AddTo(command);
        foreach (var option in new Option[] { ratio, text, inputFile, json })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, cancellationToken) =>
        {
            // Cheap inputs first, so a typo fails before a model loads.
            var gamma = CompressionRatio.Parse(parse.GetValue(ratio)!);
            var cot = ReadInput(parse.GetValue(text), parse.GetValue(inputFile));
            var options = scoring.Pruning(parse);
            scoring.Check(parse);
            var (importance, target) = scoring.Create(parse, model.Folder(parse), model.Read(parse));
            using var scorerLifetime = importance;
            var result = new CotCompressor(importance, target, options, scoring.Measure(parse)).Compress(cot, gamma, cancellationToken);

            if (parse.GetValue(json))
            {
                console.WriteJson(new Dictionary<string, object>
                {
                    ["compressed"] = result.Compressed,
                    ["kept_word_indices"] = result.KeptWordIndices,
                    ["original_tokens"] = result.OriginalTokens,
                    ["compressed_tokens"] = result.CompressedTokens,
                    ["actual_ratio"] = Math.Round(result.ActualRatio, 4),
                    ["ratio"] = result.Ratio.Value,
                    ["kept_spans"] = result.KeptSpans.Select(s => new[] { s.Start, s.Length }).ToArray(),
                    ["protected_suffix"] = result.ProtectedSuffix,
                    ["scorer"] = result.ScorerName,
                    ["scorer_model"] = result.ScorerModelPath,
                });
            }
            else
            {
                console.Out.WriteLine(result.Compressed);
                console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{result.OriginalTokens} → {result.CompressedTokens} target tokens, actual ratio {result.ActualRatio:F2} at γ {result.Ratio}, {result.KeptWordIndices.Count}/{result.Words.Count} words kept, scorer {result.ScorerName}]"));
            }

            return Task.FromResult(0);
        });
        return command;
    }

    private static string ReadInput(string? text, string? inputFile)
    {
        if ((text is null) == (inputFile is null))
        {
            throw new ArgumentException("give exactly one of --text or --input-file");
        }

        if (text is not null)
        {
            return text;
        }

        return File.Exists(inputFile) ? File.ReadAllText(inputFile) : throw new FileNotFoundException($"{inputFile}: file not found");
    }
}
