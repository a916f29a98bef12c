using System.Text.Json;
using static TokenSkip.Models.Tokenization.TokenizerJsonFile;

namespace TokenSkip.Models.Tokenization;

/// <summary>Reads the BOS/EOS token names from an HF <c>tokenizer_config.json</c>.</summary>
internal static class TokenizerConfigReader
{
    /// <summary>The file name beside tokenizer.json.</summary>
    public const string FileName = "tokenizer_config.json";

    /// <summary>Returns (bos_token, eos_token), each null when absent or null; throws when the file is malformed.</summary>
    public static (string? Bos, string? Eos) Read(string path)
    {
        using var document = Parse(path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerFormatException(path, string.Empty, "must hold a JSON object");
        }

        return (ReadToken(path, root, "bos_token"), ReadToken(path, root, "eos_token"));
    }

    // Written either as "<|im_end|>" or, by older transformers, as {"content": "<|im_end|>", ...}.
    private static string? ReadToken(string path, JsonElement root, string name)
    {
        if (!TryGet(root, name, out var value))
        {
            return null;
        }

        var content = value.ValueKind == JsonValueKind.Object
            ? OptionalString(path, value, "content", name + ".content")
            : OptionalString(path, root, name, name);
        return string.IsNullOrEmpty(content)
            ? throw new TokenizerFormatException(path, name, "must be a token string or {\"content\": \"...\"}")
            : content;
    }
}
