using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TokenSkip.Core.IO;

namespace TokenSkip.Models.Tokenization;

/// <summary>
/// Trains a small byte-level BPE tokenizer (the scheme of GPT-2, Qwen2.5 and Llama 3) on a corpus and saves it as a
/// Hugging Face <c>tokenizer.json</c> (+ <c>tokenizer_config.json</c>) that <see cref="HfTokenizer.Load"/> reads like
/// Qwen2.5's: 256 byte tokens, then merges in the order learned, then the special tokens.
/// </summary>
/// <remarks>
/// Training is the classic greedy loop: pre-tokenize with the regex, count words, repeatedly merge the most frequent
/// adjacent pair (ties broken by the pair's text, so results are deterministic) until the vocabulary is full.
/// </remarks>
public static class BpeTokenizerTrainer
{
    /// <summary>Learns a tokenizer from <paramref name="texts"/> and writes it to <paramref name="folder"/> atomically.</summary>
    /// <returns>The path of the written tokenizer.json.</returns>
    public static string Train(IEnumerable<string> texts, string folder, BpeTrainingOptions? options = null)
    {
        options ??= new BpeTrainingOptions();
        if (options.VocabularySize < 256)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.VocabularySize, "a byte-level vocabulary needs at least 256 tokens");
        }

        var words = CountWords(texts, options.PreTokenizerPattern);
        var tokens = Enumerable.Range(0, 256).Select(b => ByteLevelAlphabet.ToChar((byte)b).ToString()).ToList();
        var merges = LearnMerges(words, tokens, options);

        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, HfTokenizer.FileName);
        AtomicFile.WriteAllText(path, TokenizerJson(tokens, merges, options));
        AtomicFile.WriteAllText(Path.Combine(folder, TokenizerConfigReader.FileName), ConfigJson(options));
        return path;
    }

    // Unique pre-tokens as byte-symbol sequences, with their counts.
    private static List<(int[] Symbols, long Count)> CountWords(IEnumerable<string> texts, string pattern)
    {
        var splitter = new ByteLevelPreTokenizer([new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant)]);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var pieces = new List<Range>();
        foreach (var text in texts)
        {
            var normalized = text.Normalize(NormalizationForm.FormC);
            pieces.Clear();
            splitter.Split(normalized, pieces);
            foreach (var range in pieces)
            {
                var word = normalized[range];
                counts[word] = counts.GetValueOrDefault(word) + 1;
            }
        }

        return counts
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => (Encoding.UTF8.GetBytes(p.Key).Select(b => (int)b).ToArray(), p.Value))
            .ToList();
    }

    private static List<(string Left, string Right)> LearnMerges(List<(int[] Symbols, long Count)> words, List<string> tokens, BpeTrainingOptions options)
    {
        var merges = new List<(string, string)>();
        while (tokens.Count < options.VocabularySize)
        {
            var pairs = new Dictionary<(int, int), long>();
            foreach (var (symbols, count) in words)
            {
                for (var i = 0; i + 1 < symbols.Length; i++)
                {
                    var pair = (symbols[i], symbols[i + 1]);
                    pairs[pair] = pairs.GetValueOrDefault(pair) + count;
                }
            }

            if (pairs.Count == 0)
            {
                break;
            }

            var best = pairs
                .OrderByDescending(p => p.Value)
                .ThenBy(p => tokens[p.Key.Item1], StringComparer.Ordinal)
                .ThenBy(p => tokens[p.Key.Item2], StringComparer.Ordinal)
                .First();
            if (best.Value < options.MinPairFrequency)
            {
                break;
            }

            var (left, right) = best.Key;
            var merged = tokens.Count;
            tokens.Add(tokens[left] + tokens[right]);
            merges.Add((tokens[left], tokens[right]));
            for (var w = 0; w < words.Count; w++)
            {
                words[w] = (Merge(words[w].Symbols, left, right, merged), words[w].Count);
            }
        }

        return merges;
    }

    private static int[] Merge(int[] symbols, int left, int right, int merged)
    {
        if (symbols.Length < 2)
        {
            return symbols;
        }

        var result = new List<int>(symbols.Length);
        for (var i = 0; i < symbols.Length; i++)
        {
            if (i + 1 < symbols.Length && symbols[i] == left && symbols[i + 1] == right)
            {
                result.Add(merged);
                i++;
            }
            else
            {
                result.Add(symbols[i]);
            }
        }

        return result.Count == symbols.Length ? symbols : result.ToArray();
    }

    private static string TokenizerJson(List<string> tokens, List<(string Left, string Right)> merges, BpeTrainingOptions options)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JsonLines.Options.Encoder }))
        {
            json.WriteStartObject();
            json.WriteString("version", "1.0");
            json.WriteNull("truncation");
            json.WriteNull("padding");
            json.WriteStartArray("added_tokens");
            for (var i = 0; i < options.SpecialTokens.Count; i++)
            {
                json.WriteStartObject();
                json.WriteNumber("id", tokens.Count + i);
                json.WriteString("content", options.SpecialTokens[i]);
                json.WriteBoolean("single_word", false);
                json.WriteBoolean("lstrip", false);
                json.WriteBoolean("rstrip", false);
                json.WriteBoolean("normalized", false);
                json.WriteBoolean("special", true);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartObject("normalizer");
            json.WriteString("type", "NFC");
            json.WriteEndObject();
            json.WriteStartObject("pre_tokenizer");
            json.WriteString("type", "Sequence");
            json.WriteStartArray("pretokenizers");
            json.WriteStartObject();
            json.WriteString("type", "Split");
            json.WriteStartObject("pattern");
            json.WriteString("Regex", options.PreTokenizerPattern);
            json.WriteEndObject();
            json.WriteString("behavior", "Isolated");
            json.WriteBoolean("invert", false);
            json.WriteEndObject();
            WriteByteLevel(json);
            json.WriteEndArray();
            json.WriteEndObject();
            json.WritePropertyName("post_processor");
            WriteByteLevel(json);
            json.WritePropertyName("decoder");
            WriteByteLevel(json);
            json.WriteStartObject("model");
            json.WriteString("type", "BPE");
            json.WriteNull("dropout");
            json.WriteNull("unk_token");
            json.WriteNull("continuing_subword_prefix");
            json.WriteNull("end_of_word_suffix");
            json.WriteBoolean("fuse_unk", false);
            json.WriteBoolean("byte_fallback", false);
            json.WriteBoolean("ignore_merges", false);
            json.WriteStartObject("vocab");
            for (var id = 0; id < tokens.Count; id++)
            {
                json.WriteNumber(tokens[id], id);
            }

            json.WriteEndObject();
            json.WriteStartArray("merges");
            foreach (var (left, right) in merges)
            {
                json.WriteStartArray();
                json.WriteStringValue(left);
                json.WriteStringValue(right);
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteByteLevel(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("type", "ByteLevel");
        json.WriteBoolean("add_prefix_space", false);
        json.WriteBoolean("trim_offsets", false);
        json.WriteBoolean("use_regex", false);
        json.WriteEndObject();
    }

    private static string ConfigJson(BpeTrainingOptions options) => JsonSerializer.Serialize(
        new Dictionary<string, object?>
        {
            ["tokenizer_class"] = "Qwen2Tokenizer",
            ["bos_token"] = null,
            ["eos_token"] = options.EosToken,
            ["pad_token"] = options.SpecialTokens.Count > 0 ? options.SpecialTokens[0] : null,
            ["model_max_length"] = 4096,
            ["clean_up_tokenization_spaces"] = false,
        },
        new JsonSerializerOptions { WriteIndented = true });
}
