using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TokenSkip.Core.IO;
using TokenSkip.Core.Prompts;
using TokenSkip.Models.Lora;
using TokenSkip.Models.Training;

namespace TokenSkip.Pipeline.Stages;

/// <summary>
/// What LLaMA-Factory needs to train TokenSkip's LoRA on GPUs elsewhere, written next to the dataset by
/// <see cref="DatasetBuilder"/>: <c>dataset_info.json</c> registering the two data files, and a
/// <c>llamafactory-cli train</c> config with TokenSkip's reference hyperparameters (the defaults of
/// <see cref="LoraConfig"/> and <see cref="SftOptions"/>, the same recipe <c>tokenskip train</c> runs).
/// </summary>
/// <remarks>
/// The config trains on <see cref="DatasetName"/>, the chat-messages file in LLaMA-Factory's sharegpt format: its turns
/// are exactly TokenSkip's (Qwen's system prompt written out, γ in the user turn), so they do not depend on the
/// template's default system prompt, which LLaMA-Factory has changed between versions. <see cref="AlpacaDatasetName"/>
/// registers TokenSkip's original Alpaca file too. Paths in the config are relative: run it from the dataset folder.
/// </remarks>
public static class LlamaFactoryFiles
{
    /// <summary>LLaMA-Factory's dataset registry file.</summary>
    public const string DatasetInfoFileName = "dataset_info.json";

    /// <summary>The training config written next to it.</summary>
    public const string TrainingConfigFileName = "tokenskip_lora_sft.yaml";

    /// <summary>The registered name of the chat-messages file (sharegpt format), which the config trains on.</summary>
    public const string DatasetName = "tokenskip";

    /// <summary>The registered name of TokenSkip's Alpaca file (instruction/input/output).</summary>
    public const string AlpacaDatasetName = "tokenskip_alpaca";

    /// <summary>Where the config saves the adapter, relative to the dataset folder.</summary>
    public const string OutputDirectory = "saves/tokenskip-lora";

    /// <summary>The Hugging Face model a family's config names unless told otherwise.</summary>
    public static string DefaultTargetModel(ModelFamily family) =>
        family == ModelFamily.Llama3 ? "meta-llama/Llama-3.1-8B-Instruct" : "Qwen/Qwen2.5-7B-Instruct";

    /// <summary>LLaMA-Factory's template for a family (<c>qwen</c>, <c>llama3</c>).</summary>
    public static string Template(ModelFamily family) => family == ModelFamily.Llama3 ? "llama3" : "qwen";

    /// <summary>Writes <see cref="DatasetInfoFileName"/> and <see cref="TrainingConfigFileName"/> into <paramref name="folder"/>, atomically.</summary>
    /// <param name="folder">The dataset folder (holding both data files).</param>
    /// <param name="alpacaPath">TokenSkip's Alpaca file.</param>
    /// <param name="messagesPath">The chat-messages jsonl.</param>
    /// <param name="family">The target model's prompt family.</param>
    /// <param name="targetModel">The Hugging Face id (or path on the training machine) of the model to fine-tune.</param>
    /// <returns>The two paths written.</returns>
    /// <exception cref="ArgumentException"><paramref name="targetModel"/> is empty or spans lines.</exception>
    public static (string DatasetInfoPath, string TrainingConfigPath) Write(string folder, string alpacaPath, string messagesPath, ModelFamily family,
        string targetModel)
    {
        if (string.IsNullOrWhiteSpace(targetModel) || targetModel.Any(char.IsControl))
        {
            throw new ArgumentException($"the target model must be a Hugging Face model id such as {DefaultTargetModel(family)}; got \"{targetModel}\"",
                nameof(targetModel));
        }

        var info = Path.Combine(folder, DatasetInfoFileName);
        AtomicFile.WriteAllText(info, DatasetInfo(Path.GetFileName(alpacaPath), Path.GetFileName(messagesPath)));
        var config = Path.Combine(folder, TrainingConfigFileName);
        AtomicFile.WriteAllText(config, TrainingConfig(family, targetModel, new LoraConfig(), new SftOptions()));
        return (info, config);
    }

    private static string DatasetInfo(string alpacaFile, string messagesFile)
    {
        var info = new JsonObject
        {
            [DatasetName] = new JsonObject
            {
                ["file_name"] = messagesFile,
                ["formatting"] = "sharegpt",
                ["columns"] = new JsonObject { ["messages"] = "messages" },
                ["tags"] = new JsonObject
                {
                    ["role_tag"] = "role",
                    ["content_tag"] = "content",
                    ["user_tag"] = "user",
                    ["assistant_tag"] = "assistant",
                    ["system_tag"] = "system",
                },
            },
            [AlpacaDatasetName] = new JsonObject
            {
                ["file_name"] = alpacaFile,
                ["formatting"] = "alpaca",
                ["columns"] = new JsonObject { ["prompt"] = "instruction", ["query"] = "input", ["response"] = "output" },
            },
        };
        return info.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    private static string TrainingConfig(ModelFamily family, string targetModel, LoraConfig lora, SftOptions sft)
    {
        var accumulation = sft.BatchSize / sft.MicroBatchSize;
        var yaml = new StringBuilder();
        yaml.Append(CultureInfo.InvariantCulture, $"""
            # LLaMA-Factory LoRA SFT with TokenSkip's reference hyperparameters, written by `tokenskip data build`.
            # Run it from this folder on the training machine: llamafactory-cli train {TrainingConfigFileName}
            # The adapter lands in {OutputDirectory}/ (adapter_config.json + adapter_model.safetensors, PEFT's layout).

            ### model
            model_name_or_path: {JsonSerializer.Serialize(targetModel)}

            ### method
            stage: sft
            do_train: true
            finetuning_type: lora
            lora_rank: {lora.Rank}
            lora_alpha: {Number(lora.Alpha)}
            lora_dropout: {Number(lora.Dropout)}
            lora_target: {string.Join(',', LoraConfig.AllLinearProjections)}

            ### dataset (loss on the response only: LLaMA-Factory's default for sft)
            dataset_dir: .
            dataset: {DatasetName}
            template: {Template(family)}
            cutoff_len: {sft.MaxLength}
            overwrite_cache: true
            preprocessing_num_workers: 16

            ### output
            output_dir: {OutputDirectory}
            logging_steps: 10
            save_steps: {sft.SaveSteps}
            plot_loss: true
            overwrite_output_dir: true

            ### train (effective batch {sft.BatchSize} on one GPU; with N GPUs divide gradient_accumulation_steps by N)
            per_device_train_batch_size: {sft.MicroBatchSize}
            gradient_accumulation_steps: {accumulation}
            learning_rate: {Exponent(sft.LearningRate)}
            num_train_epochs: {Number(sft.Epochs)}
            lr_scheduler_type: cosine
            warmup_ratio: {Number(sft.WarmupRatio)}
            optim: adamw_torch
            adam_beta1: {Number(sft.Beta1)}
            adam_beta2: {Number(sft.Beta2)}
            adam_epsilon: {Exponent(sft.Epsilon)}
            weight_decay: {Number(sft.WeightDecay)}
            max_grad_norm: {Number(sft.MaxGradNorm)}
            seed: {sft.Seed}
            bf16: true
            ddp_timeout: 180000000

            """);
        return yaml.ToString();
    }

    // YAML 1.1 (PyYAML) reads a float only with a dot: "3.0", never "3".
    private static string Number(double value) => value.ToString("0.0###########", CultureInfo.InvariantCulture);

    // ... and with a dot and a signed exponent: "5.0e-5" (PyYAML reads "5e-5" as a string).
    private static string Exponent(double value) => value.ToString("0.0###########e+0", CultureInfo.InvariantCulture);
}
