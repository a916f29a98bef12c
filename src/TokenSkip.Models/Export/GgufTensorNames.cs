using System.Text.RegularExpressions;

namespace TokenSkip.Models.Export;

/// <summary>
/// Maps Hugging Face Qwen2 parameter names to llama.cpp's GGUF tensor names. For the <c>qwen2</c> architecture the
/// weights are stored as they are: llama.cpp's Q/K row permutation belongs to its <c>llama</c> conversion (interleaved
/// RoPE) only, while qwen2 uses the same rotate-half RoPE as Hugging Face.
/// </summary>
public static partial class GgufTensorNames
{
    private static readonly Dictionary<string, string> LayerSuffixes = new(StringComparer.Ordinal)
    {
        ["input_layernorm.weight"] = "attn_norm.weight",
        ["self_attn.q_proj.weight"] = "attn_q.weight",
        ["self_attn.q_proj.bias"] = "attn_q.bias",
        ["self_attn.k_proj.weight"] = "attn_k.weight",
        ["self_attn.k_proj.bias"] = "attn_k.bias",
        ["self_attn.v_proj.weight"] = "attn_v.weight",
        ["self_attn.v_proj.bias"] = "attn_v.bias",
        ["self_attn.o_proj.weight"] = "attn_output.weight",
        ["post_attention_layernorm.weight"] = "ffn_norm.weight",
        ["mlp.gate_proj.weight"] = "ffn_gate.weight",
        ["mlp.up_proj.weight"] = "ffn_up.weight",
        ["mlp.down_proj.weight"] = "ffn_down.weight",
    };

    /// <summary>The GGUF name of <paramref name="huggingFaceName"/>.</summary>
    /// <exception cref="ArgumentException">The name is not a Qwen2 parameter.</exception>
    public static string ForQwen2(string huggingFaceName)
    {
        switch (huggingFaceName)
        {
            case "model.embed_tokens.weight":
                return "token_embd.weight";
            case "model.norm.weight":
                return "output_norm.weight";
            case "lm_head.weight":
                return "output.weight";
        }

        var match = LayerName().Match(huggingFaceName);
        if (match.Success && LayerSuffixes.TryGetValue(match.Groups[2].Value, out var suffix))
        {
            return $"blk.{match.Groups[1].Value}.{suffix}";
        }

        throw new ArgumentException($"'{huggingFaceName}' is not a Qwen2 parameter with a GGUF name", nameof(huggingFaceName));
    }

    [GeneratedRegex(@"^model\.layers\.(\d+)\.(.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex LayerName();
}
