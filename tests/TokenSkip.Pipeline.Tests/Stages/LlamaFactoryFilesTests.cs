using System.Text.Json;
using System.Text.Json.Nodes;
using TokenSkip.Core.Prompts;
using TokenSkip.Pipeline.Data;
using TokenSkip.Pipeline.Stages;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Pipeline.Tests.Stages;

/// <summary><c>data build</c> also writes what LLaMA-Factory needs: dataset_info.json and a LoRA SFT config.</summary>
public sealed class LlamaFactoryFilesTests
{
    private static readonly FilteredRecord[] Originals = Enumerable.Range(0, 12)
        .Select(i => new FilteredRecord($"q{i}", $"Question {i}?", $"{i}", $"{i}", $"Long reasoning for {i}.", 5)).ToArray();

    private static readonly CompressedRecord[] Compressed = Originals
        .SelectMany(o => new[] { 0.9, 0.8, 0.7, 0.6, 0.5 }.Select(g => new CompressedRecord(o.Id, g, $"short {g} {o.Id}", [0, 2], 5, 3)))
        .ToArray();

    // "key: value" lines of the YAML (comments and section headers left out).
    private static Dictionary<string, string> YamlValues(string path) => File.ReadAllLines(path)
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .Select(l => l.Split(": ", 2))
        .ToDictionary(p => p[0], p => p[1]);

    [Fact]
    public void DatasetInfoRegistersBothFilesWithTheirColumnsAndTags()
    {
        using var folder = new TempFolder();

        var result = DatasetBuilder.Build(Originals, Compressed, folder.Path, ModelFamily.Qwen2);
        var info = JsonNode.Parse(File.ReadAllText(result.DatasetInfoPath))!;

        Assert.Equal(Path.Combine(folder.Path, "dataset_info.json"), result.DatasetInfoPath);
        var chat = info[LlamaFactoryFiles.DatasetName]!;
        Assert.Equal("sharegpt", (string?)chat["formatting"]);
        Assert.Equal(result.MessagesPath, Path.Combine(folder.Path, (string)chat["file_name"]!));
        Assert.Equal("messages", (string?)chat["columns"]!["messages"]);
        Assert.Equal(["role", "content", "user", "assistant", "system"],
            new[] { "role_tag", "content_tag", "user_tag", "assistant_tag", "system_tag" }.Select(t => (string?)chat["tags"]![t]));
        var alpaca = info[LlamaFactoryFiles.AlpacaDatasetName]!;
        Assert.Equal(result.AlpacaPath, Path.Combine(folder.Path, (string)alpaca["file_name"]!));
        Assert.Equal(["instruction", "input", "output"], new[] { "prompt", "query", "response" }.Select(c => (string?)alpaca["columns"]![c]));

        // The registered columns and tags are the ones the data files use.
        var firstChat = JsonNode.Parse(File.ReadLines(result.MessagesPath).First())!["messages"]!.AsArray();
        Assert.Equal(["system", "user", "assistant"], firstChat.Select(m => (string?)m!["role"]));
        Assert.NotNull(firstChat[1]!["content"]);
        var firstAlpaca = JsonNode.Parse(File.ReadAllText(result.AlpacaPath))!.AsArray()[0]!.AsObject();
        Assert.Equal(["instruction", "input", "output"], firstAlpaca.Select(p => p.Key));
    }

    [Fact]
    public void TheConfigTrainsTokenSkipsLoraOnTheQwenTemplateByDefault()
    {
        using var folder = new TempFolder();

        var result = DatasetBuilder.Build(Originals, Compressed, folder.Path, ModelFamily.Qwen2);
        var yaml = YamlValues(result.TrainingConfigPath);

        Assert.Equal(Path.Combine(folder.Path, "tokenskip_lora_sft.yaml"), result.TrainingConfigPath);
        Assert.Equal("\"Qwen/Qwen2.5-7B-Instruct\"", yaml["model_name_or_path"]);
        Assert.Equal("qwen", yaml["template"]);
        Assert.Equal(LlamaFactoryFiles.DatasetName, yaml["dataset"]);
        Assert.Equal(".", yaml["dataset_dir"]);
        Assert.Equal("sft", yaml["stage"]);
        Assert.Equal("lora", yaml["finetuning_type"]);
        Assert.Equal("8", yaml["lora_rank"]);
        Assert.Equal("16.0", yaml["lora_alpha"]);
        Assert.Equal("0.0", yaml["lora_dropout"]);
        Assert.Equal("q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj", yaml["lora_target"]);
        Assert.Equal("5.0e-5", yaml["learning_rate"]);
        Assert.Equal("cosine", yaml["lr_scheduler_type"]);
        Assert.Equal("0.1", yaml["warmup_ratio"]);
        Assert.Equal("3.0", yaml["num_train_epochs"]);
        Assert.Equal(8, int.Parse(yaml["per_device_train_batch_size"]) * int.Parse(yaml["gradient_accumulation_steps"]));
        Assert.Equal("2048", yaml["cutoff_len"]);
        Assert.Equal("true", yaml["bf16"]);
        Assert.Equal("adamw_torch", yaml["optim"]);
    }

    [Fact]
    public void ALlamaTargetGetsTheLlama3TemplateAndTheNamedModel()
    {
        using var folder = new TempFolder();

        var result = DatasetBuilder.Build(Originals, Compressed, folder.Path, ModelFamily.Llama3, targetModel: "meta-llama/Llama-3.2-3B-Instruct");
        var yaml = YamlValues(result.TrainingConfigPath);

        Assert.Equal("llama3", yaml["template"]);
        Assert.Equal("\"meta-llama/Llama-3.2-3B-Instruct\"", yaml["model_name_or_path"]);
        Assert.Equal(["user", "assistant"], JsonNode.Parse(File.ReadLines(result.MessagesPath).First())!["messages"]!.AsArray().Select(m => (string?)m!["role"]));
    }

    [Fact]
    public void AModelIdOverSeveralLinesIsRefused()
    {
        using var folder = new TempFolder();

        var error = Assert.Throws<ArgumentException>(() => DatasetBuilder.Build(Originals, Compressed, folder.Path, ModelFamily.Qwen2, targetModel: "a\nb: c"));

        Assert.Contains("Hugging Face model id", error.Message);
        Assert.False(File.Exists(Path.Combine(folder.Path, LlamaFactoryFiles.TrainingConfigFileName)));
    }
}
