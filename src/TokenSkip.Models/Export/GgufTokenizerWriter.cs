using System.Text.Json;
using TokenSkip.Core.Prompts;
using TokenSkip.Models.Gguf;
using TokenSkip.Models.Tokenization;

namespace TokenSkip.Models.Export;

/// <summary>
/// Writes a model folder's real tokenizer as GGUF's <c>tokenizer.ggml.*</c> keys, as llama.cpp's converter does for
/// byte-level BPE models: every id up to the model's vocabulary size (ids without a token become unused
/// <c>[PAD{id}]</c> entries), the merges by rank, special added tokens as control tokens and other added tokens as
/// user-defined ones, the pre-tokenizer's name, and the chat template (<c>tokenizer_config.json</c>'s, or the model
/// family's own).
/// </summary>
internal static class GgufTokenizerWriter
{
    // llama_token_type values.
    private const int Normal = 1;
    private const int Control = 3;
    private const int UserDefined = 4;
    private const int Unused = 5;

    /// <summary>Adds the tokenizer of <paramref name="folder"/> for a model of <paramref name="vocabularySize"/> ids.</summary>
    /// <exception cref="NotSupportedException">The tokenizer's pre-tokenizer has no GGUF name this project knows.</exception>
    public static void AddTo(GgufWriter writer, string folder, int vocabularySize, IReadOnlyList<int> endOfSequenceIds, int? bosTokenId, ModelFamily family)
    {
        var file = TokenizerJsonFile.Resolve(folder, HfTokenizer.FileName);
        var definition = TokenizerJsonReader.Read(file);
        var pre = GgufPreTokenizer.Matching(definition)
            ?? throw new NotSupportedException($"{file}: its pre-tokenizer has no GGUF name this exporter knows ({GgufPreTokenizer.SupportedNames})");
        if (definition.IgnoreMerges != pre.IgnoreMerges)
        {
            throw new NotSupportedException($"{file}: model.ignore_merges {definition.IgnoreMerges} differs from what llama.cpp assumes for '{pre.Name}'");
        }

        var tokens = new string[vocabularySize];
        var types = new int[vocabularySize];
        foreach (var (token, id) in definition.Vocabulary.Where(v => v.Value < vocabularySize))
        {
            tokens[id] = token;
            types[id] = Normal;
        }

        foreach (var added in definition.AddedTokens.Where(t => t.Id < vocabularySize))
        {
            tokens[added.Id] = added.Content;
            types[added.Id] = added.IsSpecial ? Control : UserDefined;
        }

        for (var id = 0; id < vocabularySize; id++)
        {
            if (tokens[id] is null)
            {
                tokens[id] = $"[PAD{id}]";
                types[id] = Unused;
            }
        }

        writer.Add("tokenizer.ggml.model", GgufMetadataValue.Of("gpt2"))
            .Add("tokenizer.ggml.pre", GgufMetadataValue.Of(pre.Name))
            .Add("tokenizer.ggml.tokens", GgufMetadataValue.Of(tokens))
            .Add("tokenizer.ggml.token_type", GgufMetadataValue.Of(types))
            .Add("tokenizer.ggml.merges", GgufMetadataValue.Of(definition.Merges.ToArray()))
            .Add("tokenizer.ggml.add_bos_token", GgufMetadataValue.Of(bosTokenId is not null));
        if (endOfSequenceIds.Count > 0)
        {
            writer.Add("tokenizer.ggml.eos_token_id", GgufMetadataValue.Of((uint)endOfSequenceIds[0]));
            if (endOfSequenceIds.Count > 1)
            {
                writer.Add("tokenizer.ggml.eot_token_id", GgufMetadataValue.Of((uint)endOfSequenceIds[1]));
            }
        }

        if (bosTokenId is { } bos)
        {
            writer.Add("tokenizer.ggml.bos_token_id", GgufMetadataValue.Of((uint)bos));
        }

        writer.Add("tokenizer.chat_template", GgufMetadataValue.Of(ChatTemplate(Path.GetDirectoryName(file)!) ?? DefaultTemplate(family)));
    }

    // tokenizer_config.json's chat_template (a string), or chat_template.jinja beside it.
    private static string? ChatTemplate(string folder)
    {
        var config = Path.Combine(folder, "tokenizer_config.json");
        if (File.Exists(config))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(config));
            if (document.RootElement.TryGetProperty("chat_template", out var template) && template.ValueKind == JsonValueKind.String)
            {
                return template.GetString();
            }
        }

        var jinja = Path.Combine(folder, "chat_template.jinja");
        return File.Exists(jinja) ? File.ReadAllText(jinja) : null;
    }

    // The families' plain chat formats (no tools), for folders that carry no template of their own.
    private static string DefaultTemplate(ModelFamily family) => family == ModelFamily.Llama3
        ? "{{- bos_token }}{%- for message in messages %}{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}{%- endfor %}{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif %}"
        : "{%- if messages[0]['role'] != 'system' %}{{- '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{%- endif %}{%- for message in messages %}{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";
}
