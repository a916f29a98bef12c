namespace TokenSkip.Models.Lora;

/// <summary>
/// A tensor name in a PEFT adapter file, e.g. <c>base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight</c>
/// (a LoRA factor) or <c>base_model.model.lm_head.weight</c> (a module saved in full). Parsing is tolerant of the
/// variants tools write: no <c>base_model.model.</c>/<c>base_model.</c> prefix, an adapter name before
/// <c>weight</c> (<c>lora_A.default.weight</c>) and PEFT's <c>modules_to_save.{adapter}.</c> wrapper segment.
/// </summary>
/// <param name="Kind">What the tensor is.</param>
/// <param name="Name">
/// With the PEFT prefix removed: the adapted module's path for a LoRA factor, the parameter's path for a saved module
/// (either may still lack the model's inner <c>model.</c>, which some tools drop).
/// </param>
internal sealed record PeftKey(PeftKeyKind Kind, string Name)
{
    /// <summary>The prefix PEFT puts before every module name of a causal LM.</summary>
    public const string Prefix = "base_model.model.";

    public static string LoraA(string module) => $"{Prefix}{module}.lora_A.weight";

    public static string LoraB(string module) => $"{Prefix}{module}.lora_B.weight";

    /// <summary>The key of a parameter of a module in <c>modules_to_save</c>: its name in the model, prefixed.</summary>
    public static string Saved(string parameterName) => Prefix + parameterName;

    /// <summary>Parses <paramref name="key"/>; null when it is no kind of tensor this engine can load (the caller reports it).</summary>
    public static PeftKey? Parse(string key)
    {
        var name = key.StartsWith(Prefix, StringComparison.Ordinal) ? key[Prefix.Length..]
            : key.StartsWith("base_model.", StringComparison.Ordinal) ? key["base_model.".Length..]
            : key;
        var parts = name.Split('.');
        var factor = Array.FindIndex(parts, p => p is "lora_A" or "lora_B");
        if (factor > 0)
        {
            var rest = parts[(factor + 1)..];
            var isWeight = rest is ["weight"] || rest is [_, "weight"];
            return isWeight
                ? new PeftKey(parts[factor] == "lora_A" ? PeftKeyKind.LoraA : PeftKeyKind.LoraB, string.Join('.', parts[..factor]))
                : null;
        }

        if (parts.Any(p => p.StartsWith("lora_", StringComparison.Ordinal) || p == "original_module") || parts.Length < 2)
        {
            return null;
        }

        var wrapper = Array.IndexOf(parts, "modules_to_save");
        if (wrapper > 0)
        {
            // module.modules_to_save.{adapter}.param -> module.param
            var skip = parts.Length - wrapper > 2 ? 2 : 1;
            parts = [.. parts[..wrapper], .. parts[(wrapper + skip)..]];
        }

        return new PeftKey(PeftKeyKind.Saved, string.Join('.', parts));
    }
}
