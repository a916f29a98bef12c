using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using static TokenSkip.Models.Tokenization.TokenizerJsonFile;

namespace TokenSkip.Models.Tokenization;

/// <summary>
/// Reads a Hugging Face tokenizer.json describing a byte-level BPE (Qwen2.5, Llama 3, GPT-2 style) and
/// rejects, naming the field, anything this project's tokenizer would not reproduce faithfully.
/// </summary>
internal static class TokenizerJsonReader
{
    private const RegexOptions PatternOptions = RegexOptions.Compiled | RegexOptions.CultureInvariant;

    /// <summary>Reads and validates <paramref name="path"/>.</summary>
    /// <exception cref="TokenizerFormatException">The file is malformed or unsupported.</exception>
    public static TokenizerDefinition Read(string path)
    {
        using var document = Parse(path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerFormatException(path, string.Empty, "must hold a JSON object");
        }

        if (!TryGet(root, "model", out var model) || model.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerFormatException(path, "model", "is missing (expected the BPE model object)");
        }

        var type = OptionalString(path, model, "type", "model.type");
        if (type is not null and not "BPE")
        {
            throw new TokenizerFormatException(path, "model.type", $"\"{type}\" is not supported (only byte-level \"BPE\")");
        }

        RejectUnsupportedModelOptions(path, model);
        var vocabulary = ReadVocabulary(path, model);
        RequireByteAlphabet(path, vocabulary);
        return new TokenizerDefinition(
            path,
            vocabulary,
            ReadMerges(path, model, vocabulary),
            ReadAddedTokens(path, root),
            ReadNormalizer(path, root),
            ReadPreTokenizer(path, root),
            OptionalBool(path, model, "ignore_merges", "model.ignore_merges", fallback: false));
    }

    private static void RejectUnsupportedModelOptions(string path, JsonElement model)
    {
        if (OptionalBool(path, model, "byte_fallback", "model.byte_fallback", fallback: false))
        {
            throw new TokenizerFormatException(path, "model.byte_fallback", "is true, which is not supported (byte-level BPE only)");
        }

        foreach (var name in (string[])["continuing_subword_prefix", "end_of_word_suffix"])
        {
            if (!string.IsNullOrEmpty(OptionalString(path, model, name, "model." + name)))
            {
                throw new TokenizerFormatException(path, "model." + name, "is set, which byte-level BPE does not use and is not supported");
            }
        }
    }

    private static Dictionary<string, int> ReadVocabulary(string path, JsonElement model)
    {
        if (!TryGet(model, "vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerFormatException(path, "model.vocab", "is missing (expected an object mapping token text to id)");
        }

        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        var tokenOfId = new Dictionary<int, string>();
        foreach (var entry in vocab.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id) || id < 0)
            {
                throw new TokenizerFormatException(path, $"model.vocab[\"{entry.Name}\"]", "must be a non-negative integer id");
            }

            if (!tokenOfId.TryAdd(id, entry.Name))
            {
                throw new TokenizerFormatException(path, $"model.vocab[\"{entry.Name}\"]", $"reuses id {id} of \"{tokenOfId[id]}\"");
            }

            vocabulary[entry.Name] = id;
        }

        return vocabulary;
    }

    // Every byte must have its symbol, or text containing it could not be encoded.
    private static void RequireByteAlphabet(string path, Dictionary<string, int> vocabulary)
    {
        for (var b = 0; b < 256; b++)
        {
            var symbol = ByteLevelAlphabet.ToChar((byte)b).ToString();
            if (!vocabulary.ContainsKey(symbol))
            {
                throw new TokenizerFormatException(path, "model.vocab", $"lacks the byte-level symbol \"{symbol}\" for byte 0x{b:X2}");
            }
        }
    }

    private static List<string> ReadMerges(string path, JsonElement model, Dictionary<string, int> vocabulary)
    {
        var merges = new List<string>();
        if (!TryGet(model, "merges", out var array))
        {
            return merges;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new TokenizerFormatException(path, "model.merges", "must be an array");
        }

        var index = 0;
        foreach (var entry in array.EnumerateArray())
        {
            var field = $"model.merges[{index++}]";
            if (!TryReadPair(entry, out var left, out var right))
            {
                throw new TokenizerFormatException(path, field, "must be \"a b\" or [\"a\",\"b\"]");
            }

            foreach (var part in (string[])[left, right, left + right])
            {
                if (!vocabulary.ContainsKey(part))
                {
                    throw new TokenizerFormatException(path, field, $"uses \"{part}\", which is not in model.vocab");
                }
            }

            merges.Add(left + " " + right);
        }

        return merges;
    }

    // Byte-level symbols never include a plain space, so "a b" is unambiguous.
    private static bool TryReadPair(JsonElement entry, out string left, out string right)
    {
        left = right = string.Empty;
        if (entry.ValueKind == JsonValueKind.String)
        {
            var parts = entry.GetString()!.Split(' ');
            if (parts.Length != 2)
            {
                return false;
            }

            (left, right) = (parts[0], parts[1]);
        }
        else if (entry.ValueKind == JsonValueKind.Array && entry.GetArrayLength() == 2 &&
                 entry[0].ValueKind == JsonValueKind.String && entry[1].ValueKind == JsonValueKind.String)
        {
            (left, right) = (entry[0].GetString()!, entry[1].GetString()!);
        }

        return left.Length > 0 && right.Length > 0 && !left.Contains(' ', StringComparison.Ordinal) && !right.Contains(' ', StringComparison.Ordinal);
    }

    private static List<AddedToken> ReadAddedTokens(string path, JsonElement root)
    {
        var tokens = new List<AddedToken>();
        if (!TryGet(root, "added_tokens", out var array))
        {
            return tokens;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new TokenizerFormatException(path, "added_tokens", "must be an array");
        }

        var index = 0;
        foreach (var entry in array.EnumerateArray())
        {
            var field = $"added_tokens[{index++}]";
            if (!TryGet(entry, "id", out var idElement) || idElement.ValueKind != JsonValueKind.Number || !idElement.TryGetInt32(out var id) || id < 0)
            {
                throw new TokenizerFormatException(path, field + ".id", "must be a non-negative integer id");
            }

            var content = OptionalString(path, entry, "content", field + ".content");
            if (string.IsNullOrEmpty(content))
            {
                throw new TokenizerFormatException(path, field + ".content", "must be a non-empty string");
            }

            var repeated = tokens.FindIndex(t => t.Content == content);
            if (repeated >= 0)
            {
                throw new TokenizerFormatException(path, field + ".content", $"\"{content}\" repeats added_tokens[{repeated}]");
            }

            if (OptionalBool(path, entry, "single_word", field + ".single_word", fallback: false))
            {
                throw new TokenizerFormatException(path, field + ".single_word", $"is true for \"{content}\", which is not supported");
            }

            tokens.Add(new AddedToken(
                id,
                content,
                OptionalBool(path, entry, "special", field + ".special", fallback: false),
                OptionalBool(path, entry, "lstrip", field + ".lstrip", fallback: false),
                OptionalBool(path, entry, "rstrip", field + ".rstrip", fallback: false)));
        }

        return tokens;
    }

    private static UnicodeNormalizer ReadNormalizer(string path, JsonElement root)
    {
        if (!TryGet(root, "normalizer", out var normalizer))
        {
            return UnicodeNormalizer.None;
        }

        var forms = new List<NormalizationForm>();
        CollectNormalizationForms(path, normalizer, "normalizer", forms);
        return new UnicodeNormalizer(forms);
    }

    private static void CollectNormalizationForms(string path, JsonElement normalizer, string field, List<NormalizationForm> forms)
    {
        var type = OptionalString(path, normalizer, "type", field + ".type");
        switch (type)
        {
            case "NFC": forms.Add(NormalizationForm.FormC); break;
            case "NFD": forms.Add(NormalizationForm.FormD); break;
            case "NFKC": forms.Add(NormalizationForm.FormKC); break;
            case "NFKD": forms.Add(NormalizationForm.FormKD); break;
            case "Sequence":
                if (!TryGet(normalizer, "normalizers", out var steps) || steps.ValueKind != JsonValueKind.Array)
                {
                    throw new TokenizerFormatException(path, field + ".normalizers", "must be an array");
                }

                var index = 0;
                foreach (var step in steps.EnumerateArray())
                {
                    CollectNormalizationForms(path, step, $"{field}.normalizers[{index++}]", forms);
                }

                break;
            default:
                throw new TokenizerFormatException(path, field + ".type", $"\"{type}\" is not supported (supported: NFC, NFD, NFKC, NFKD, Sequence)");
        }
    }

    private static ByteLevelPreTokenizer ReadPreTokenizer(string path, JsonElement root)
    {
        if (!TryGet(root, "pre_tokenizer", out var preTokenizer))
        {
            throw new TokenizerFormatException(path, "pre_tokenizer", "is missing (byte-level BPE needs a ByteLevel pre-tokenizer)");
        }

        var steps = new List<(JsonElement Step, string Field)>();
        if (OptionalString(path, preTokenizer, "type", "pre_tokenizer.type") == "Sequence")
        {
            if (!TryGet(preTokenizer, "pretokenizers", out var array) || array.ValueKind != JsonValueKind.Array)
            {
                throw new TokenizerFormatException(path, "pre_tokenizer.pretokenizers", "must be an array");
            }

            var index = 0;
            foreach (var step in array.EnumerateArray())
            {
                steps.Add((step, $"pre_tokenizer.pretokenizers[{index++}]"));
            }
        }
        else
        {
            steps.Add((preTokenizer, "pre_tokenizer"));
        }

        var patterns = new List<Regex>();
        for (var i = 0; i < steps.Count; i++)
        {
            var (step, field) = steps[i];
            var type = OptionalString(path, step, "type", field + ".type");
            switch (type)
            {
                case "Split":
                    patterns.Add(ReadSplitPattern(path, step, field));
                    break;
                case "ByteLevel":
                    // Steps after ByteLevel would see byte symbols ('Ġ') instead of text; no supported model does that.
                    if (i != steps.Count - 1)
                    {
                        throw new TokenizerFormatException(path, field, "must be the last pre-tokenizer step");
                    }

                    if (OptionalBool(path, step, "add_prefix_space", field + ".add_prefix_space", fallback: true))
                    {
                        throw new TokenizerFormatException(path, field + ".add_prefix_space", "is true (or absent), which is not supported");
                    }

                    if (OptionalBool(path, step, "use_regex", field + ".use_regex", fallback: true))
                    {
                        patterns.Add(new Regex(ByteLevelPreTokenizer.Gpt2Pattern, PatternOptions));
                    }

                    return new ByteLevelPreTokenizer(patterns);
                default:
                    throw new TokenizerFormatException(path, field + ".type", $"\"{type}\" is not supported (supported: Sequence, Split, ByteLevel)");
            }
        }

        throw new TokenizerFormatException(path, "pre_tokenizer", "has no ByteLevel step (only byte-level BPE is supported)");
    }

    private static Regex ReadSplitPattern(string path, JsonElement step, string field)
    {
        var behavior = OptionalString(path, step, "behavior", field + ".behavior");
        if (behavior != "Isolated")
        {
            throw new TokenizerFormatException(path, field + ".behavior", $"\"{behavior}\" is not supported (only \"Isolated\")");
        }

        if (OptionalBool(path, step, "invert", field + ".invert", fallback: false))
        {
            throw new TokenizerFormatException(path, field + ".invert", "is true, which is not supported");
        }

        if (!TryGet(step, "pattern", out var pattern))
        {
            throw new TokenizerFormatException(path, field + ".pattern", "is missing");
        }

        var regex = OptionalString(path, pattern, "Regex", field + ".pattern.Regex");
        var literal = OptionalString(path, pattern, "String", field + ".pattern.String");
        if (regex is null && string.IsNullOrEmpty(literal))
        {
            throw new TokenizerFormatException(path, field + ".pattern", "must be {\"Regex\": \"...\"} or {\"String\": \"...\"}");
        }

        try
        {
            return new Regex(regex ?? Regex.Escape(literal!), PatternOptions);
        }
        catch (ArgumentException ex)
        {
            throw new TokenizerFormatException(path, field + ".pattern.Regex", $"is not a regex .NET accepts: {ex.Message}", ex);
        }
    }
}
