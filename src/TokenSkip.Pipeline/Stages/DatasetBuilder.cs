using System.Globalization;
using System.Text.Json;
using TokenSkip.Core;
using TokenSkip.Core.IO;
using TokenSkip.Core.Prompts;
using TokenSkip.Pipeline.Data;

namespace TokenSkip.Pipeline.Stages;

/// <summary>
/// Stage 4 of TokenSkip: one training sample per question, with γ drawn uniformly (seeded) from
/// {1.0, 0.9, ..., 0.5}; γ = 1.0 samples keep the original CoT. Samples are shuffled with the same seed and written
/// in TokenSkip's Alpaca/LLaMA-Factory layout and in the chat-messages layout, atomically, with provenance; LLaMA-Factory's
/// <c>dataset_info.json</c> and a LoRA SFT config for training elsewhere come with them (<see cref="LlamaFactoryFiles"/>).
/// </summary>
public static class DatasetBuilder
{
    /// <summary>The stage's name in provenance.</summary>
    public const string Name = "build";

    /// <summary>
    /// Builds the dataset into <paramref name="outputFolder"/> (train.alpaca.json, train.messages.jsonl, dataset_info.json,
    /// tokenskip_lora_sft.yaml).
    /// </summary>
    /// <param name="originals">The filtered CoTs (used for γ = 1.0).</param>
    /// <param name="compressed">The compressed CoTs, per id and γ.</param>
    /// <param name="outputFolder">Where to write.</param>
    /// <param name="family">The target model's prompt family.</param>
    /// <param name="seed">Seed of the γ draw and the shuffle.</param>
    /// <param name="inputs">Input files, for provenance.</param>
    /// <param name="targetModel">The Hugging Face model the LLaMA-Factory config fine-tunes; null for the family's default (<see cref="LlamaFactoryFiles.DefaultTargetModel"/>).</param>
    /// <exception cref="InvalidOperationException">A question drew a γ for which no compressed CoT exists.</exception>
    public static DatasetBuildResult Build(IReadOnlyList<FilteredRecord> originals, IReadOnlyList<CompressedRecord> compressed,
        string outputFolder, ModelFamily family, int seed = 42, IReadOnlyList<string>? inputs = null, string? targetModel = null)
    {
        var byKey = compressed.ToDictionary(c => (c.Id, Math.Round(c.Gamma, 2)), c => c.CompressedCot);
        var random = new Random(seed);
        var ratios = CompressionRatio.TrainingRatios;
        var samples = new List<(TokenSkipTrainingRecord Record, CompressionRatio Ratio, string Question)>(originals.Count);
        foreach (var original in originals)
        {
            var ratio = ratios[random.Next(ratios.Count)];
            var cot = ratio.IsUncompressed
                ? original.Cot
                : byKey.TryGetValue((original.Id, ratio.Value), out var text)
                    ? text
                    : throw new InvalidOperationException($"no compressed CoT for id '{original.Id}' at γ={ratio}; run the compression stage for every ratio first");
            samples.Add((TokenSkipPromptBuilder.BuildTrainingRecord(original.Question, cot, original.Prediction, ratio), ratio, original.Question));
        }

        Shuffle(samples, random);
        Directory.CreateDirectory(outputFolder);
        var alpaca = Path.Combine(outputFolder, "train.alpaca.json");
        var messages = Path.Combine(outputFolder, "train.messages.jsonl");
        AtomicFile.WriteAllText(alpaca, JsonSerializer.Serialize(samples.Select(s => s.Record), new JsonSerializerOptions(JsonLines.Options) { WriteIndented = true }));
        JsonLines.WriteAll(messages, samples.Select(s => ToChat(family, s.Question, s.Record, s.Ratio)));

        var provenance = new Provenance
        {
            Stage = Name,
            Seed = seed,
            Ratios = ratios.Select(r => r.Value).ToArray(),
            Inputs = inputs ?? [],
            Settings = new Dictionary<string, string> { ["family"] = family.ToString(), ["samples"] = samples.Count.ToString(CultureInfo.InvariantCulture) },
        };
        provenance.WriteFor(alpaca);
        provenance.WriteFor(messages);
        var (datasetInfo, trainingConfig) = LlamaFactoryFiles.Write(outputFolder, alpaca, messages, family,
            targetModel ?? LlamaFactoryFiles.DefaultTargetModel(family));
        var perRatio = samples.GroupBy(s => s.Ratio.Value).ToDictionary(g => g.Key, g => g.Count());
        return new DatasetBuildResult(alpaca, messages, samples.Count, perRatio) { DatasetInfoPath = datasetInfo, TrainingConfigPath = trainingConfig };
    }

    // The user turn is exactly what the family's TokenSkip prompt puts there (instruction, question, γ).
    private static ChatRecord ToChat(ModelFamily family, string question, TokenSkipTrainingRecord record, CompressionRatio ratio)
    {
        var user = new ChatRecordMessage("user", TokenSkipPromptBuilder.UserTurn(family, question, ratio));
        var assistant = new ChatRecordMessage("assistant", record.Output);
        List<ChatRecordMessage> turns = family == ModelFamily.Qwen2
            ? [new("system", TokenSkipPromptBuilder.QwenSystemPrompt), user, assistant]
            : [user, assistant];
        return new ChatRecord(turns, ratio.Value);
    }

    private static void Shuffle<T>(List<T> items, Random random)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
