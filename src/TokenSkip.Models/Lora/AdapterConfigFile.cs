using TokenSkip.Core.IO;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TokenSkip.Models.Checkpoints;

namespace TokenSkip.Models.Lora;

/// <summary>
/// Reads and writes PEFT's <c>adapter_config.json</c> for LoRA. Reading follows PEFT's defaults for absent fields
/// and refuses, naming the field, any option that changes the math this engine implements (DoRA, LoRA biases,
/// trained biases, base-model-altering initialisations, layer replication, parameter targets, trainable tokens).
/// Writing produces the sorted, two-space-indented JSON PEFT's <c>save_pretrained</c> writes.
/// </summary>
public static class AdapterConfigFile
{
    /// <summary>The file's name inside an adapter folder.</summary>
    public const string FileName = "adapter_config.json";

    /// <summary>PEFT's shorthand for "every linear layer except the output layer".</summary>
    public const string AllLinearShorthand = "all-linear";

    // PEFT's default target_modules for qwen2 and llama when the config names none.
    private static readonly string[] DefaultTargets = ["q_proj", "v_proj"];

    // Initialisations after which the adapter only works on a base model that PEFT modified too.
    private static readonly string[] BaseAlteringInits = ["pissa", "olora", "corda", "loftq", "lora_ga"];

    /// <summary>Reads <c>adapter_config.json</c> from <paramref name="path"/> (the file or its folder).</summary>
    /// <exception cref="ModelFormatException">Missing file, invalid JSON, a wrong field type, or an unsupported option.</exception>
    public static LoraConfig Read(string path)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, FileName) : path;
        if (!File.Exists(file))
        {
            throw new ModelFormatException(file, "file not found (a PEFT adapter folder needs adapter_config.json)");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelFormatException(file, "must hold a JSON object");
            }

            return Parse(file, document.RootElement);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(file, $"invalid JSON ({e.Message})", e);
        }
    }

    /// <summary>Writes <paramref name="config"/> as <c>adapter_config.json</c> into <paramref name="folder"/>, atomically.</summary>
    public static void Write(string folder, LoraConfig config) =>
        AtomicFile.WriteAllText(Path.Combine(folder, FileName), ToJson(config));

    /// <summary>The JSON text PEFT would write for <paramref name="config"/> (keys sorted, two-space indent).</summary>
    public static string ToJson(LoraConfig config)
    {
        // Only fields every PEFT release since 0.10 knows, so older PEFT versions load the file too.
        var fields = new SortedDictionary<string, Action<Utf8JsonWriter>>(StringComparer.Ordinal)
        {
            ["alpha_pattern"] = w => WriteMap(w, config.AlphaPattern.ToDictionary(p => p.Key, p => p.Value)),
            ["auto_mapping"] = w => w.WriteNullValue(),
            ["base_model_name_or_path"] = w => WriteStringOrNull(w, config.BaseModelNameOrPath),
            ["bias"] = w => w.WriteStringValue("none"),
            ["fan_in_fan_out"] = w => w.WriteBooleanValue(false),
            ["inference_mode"] = w => w.WriteBooleanValue(config.InferenceMode),
            ["init_lora_weights"] = w => w.WriteBooleanValue(true),
            ["layer_replication"] = w => w.WriteNullValue(),
            ["layers_pattern"] = w => WriteStringsOrNull(w, config.LayersPattern),
            ["layers_to_transform"] = w => WriteIntsOrNull(w, config.LayersToTransform),
            ["loftq_config"] = w => { w.WriteStartObject(); w.WriteEndObject(); },
            ["lora_alpha"] = w => WriteNumber(w, config.Alpha),
            ["lora_dropout"] = w => WriteNumber(w, config.Dropout, asFloat: true),
            ["megatron_config"] = w => w.WriteNullValue(),
            ["megatron_core"] = w => w.WriteStringValue("megatron.core"),
            ["modules_to_save"] = w => WriteStringsOrNull(w, config.ModulesToSave.Count == 0 ? null : config.ModulesToSave),
            ["peft_type"] = w => w.WriteStringValue("LORA"),
            ["r"] = w => w.WriteNumberValue(config.Rank),
            ["rank_pattern"] = w => WriteMap(w, config.RankPattern.ToDictionary(p => p.Key, p => (double)p.Value)),
            ["revision"] = w => w.WriteNullValue(),
            ["target_modules"] = w => WriteSelector(w, config.TargetModules),
            ["task_type"] = w => w.WriteStringValue("CAUSAL_LM"),
            ["use_dora"] = w => w.WriteBooleanValue(false),
            ["use_rslora"] = w => w.WriteBooleanValue(config.UseRslora),
        };
        if (config.ExcludeModules is { } exclude)
        {
            fields["exclude_modules"] = w => WriteSelector(w, exclude);
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, IndentSize = 2 }))
        {
            json.WriteStartObject();
            foreach (var (name, write) in fields)
            {
                json.WritePropertyName(name);
                write(json);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static LoraConfig Parse(string file, JsonElement root)
    {
        var fields = new ConfigFields(file, root);
        var peftType = fields.String("peft_type");
        if (peftType != "LORA")
        {
            throw fields.Error("peft_type", $"is '{peftType ?? "null"}'; only LORA adapters are supported");
        }

        if (fields.String("task_type") is { } task && task != "CAUSAL_LM")
        {
            throw fields.Error("task_type", $"is '{task}'; only CAUSAL_LM adapters apply to a causal language model");
        }

        fields.RequireAbsentOrFalse("use_dora", "DoRA is not supported");
        fields.RequireAbsentOrFalse("lora_bias", "LoRA biases are not supported");
        fields.RequireAbsentOrFalse("use_qalora", "QA-LoRA is not supported");
        fields.RequireAbsentOrEmpty("layer_replication", "layer replication is not supported");
        fields.RequireAbsentOrEmpty("target_parameters", "LoRA on parameters (target_parameters) is not supported");
        fields.RequireAbsentOrEmpty("trainable_token_indices", "trainable tokens are not supported");
        fields.RequireAbsentOrEmpty("alora_invocation_tokens", "activated LoRA (aLoRA) is not supported");
        if (fields.String("bias") is { } bias && bias != "none")
        {
            throw fields.Error("bias", $"is '{bias}'; only \"none\" is supported (the adapter would carry trained biases)");
        }

        if (root.TryGetProperty("init_lora_weights", out var init) && init.ValueKind == JsonValueKind.String &&
            BaseAlteringInits.Any(p => init.GetString()!.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
        {
            throw fields.Error("init_lora_weights",
                $"is '{init.GetString()}': such an adapter only works on the base model PEFT modified when initialising it; convert it to plain LoRA first");
        }

        var config = new LoraConfig
        {
            Rank = fields.Int("r") ?? 8,
            Alpha = fields.Number("lora_alpha") ?? 8,
            Dropout = fields.Number("lora_dropout") ?? 0,
            UseRslora = fields.Bool("use_rslora") ?? false,
            TargetModules = fields.Selector("target_modules") is { } targets
                ? targets.Pattern == AllLinearShorthand ? LoraModuleSelector.FromNames(LoraConfig.AllLinearProjections) : targets
                : LoraModuleSelector.FromNames(DefaultTargets),
            ExcludeModules = fields.Selector("exclude_modules"),
            LayersToTransform = fields.IntOrInts("layers_to_transform"),
            LayersPattern = fields.StringOrStrings("layers_pattern"),
            RankPattern = fields.Map("rank_pattern").ToDictionary(p => p.Key, p => (int)p.Value),
            AlphaPattern = fields.Map("alpha_pattern"),
            ModulesToSave = fields.StringOrStrings("modules_to_save") ?? [],
            BaseModelNameOrPath = fields.String("base_model_name_or_path"),
            InferenceMode = fields.Bool("inference_mode") ?? true,
        };
        try
        {
            return config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException(file, e.Message, e);
        }
    }

    private static void WriteSelector(Utf8JsonWriter writer, LoraModuleSelector selector)
    {
        if (selector.Pattern is { } pattern)
        {
            writer.WriteStringValue(pattern);
        }
        else
        {
            WriteStringsOrNull(writer, selector.Names);
        }
    }

    private static void WriteStringsOrNull(Utf8JsonWriter writer, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartArray();
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteIntsOrNull(Utf8JsonWriter writer, IReadOnlyList<int>? values)
    {
        if (values is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartArray();
        foreach (var value in values)
        {
            writer.WriteNumberValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteStringOrNull(Utf8JsonWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    private static void WriteMap(Utf8JsonWriter writer, Dictionary<string, double> map)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WritePropertyName(key);
            WriteNumber(writer, value);
        }

        writer.WriteEndObject();
    }

    // Python writes integral ints as "16" and floats as "0.0"; PEFT's fields keep those types.
    private static void WriteNumber(Utf8JsonWriter writer, double value, bool asFloat = false)
    {
        if (value == Math.Floor(value) && Math.Abs(value) < 1e15)
        {
            writer.WriteRawValue(asFloat ? value.ToString("0.0", CultureInfo.InvariantCulture) : ((long)value).ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNumberValue(value);
        }
    }
}
